using System.Buffers;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// What every image encoder does around its <see cref="ImageEmbeddingModel"/>: decode and preprocess, batch, embed,
/// fingerprint, and answer as an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>. The public encoders
/// (<see cref="ClipImageEncoder"/>, <see cref="OnnxImageEncoder"/>) hold one and forward to it. Thread-safe.
/// </summary>
internal sealed class ImageEncoderCore : IDisposable
{
    private readonly Lazy<string> _fingerprint;

    public ImageEncoderCore(ImageEmbeddingModel model, string modelName, ImageDecodeOptions? decodeOptions, Func<string> fingerprint)
    {
        Model = model;
        ModelName = modelName;
        DecodeOptions = decodeOptions ?? ImageDecodeOptions.Default;
        _fingerprint = new Lazy<string>(fingerprint, LazyThreadSafetyMode.ExecutionAndPublication);
        Metadata = new EmbeddingGeneratorMetadata("VectorImageSearch.Onnx", null, modelName, model.Dimension);
    }

    public ImageEmbeddingModel Model { get; }

    public string ModelName { get; }

    public ImageDecodeOptions DecodeOptions { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public string Fingerprint => _fingerprint.Value;

    public void Preprocess(ImageInput image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ImagePipeline.Preprocess(image, Model.Recipe, destination, DecodeOptions);
    }

    public void EncodePreprocessed(ReadOnlySpan<float> pixels, int count, Span<float> embeddings, CancellationToken cancellationToken = default) =>
        Model.Encode(pixels, count, embeddings, cancellationToken);

    /// <summary>Embeds <paramref name="images"/> into <paramref name="embeddings"/>, decoding each batch in parallel before running it.</summary>
    public void Encode(IReadOnlyList<ImageInput> images, Span<float> embeddings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var dimension = Model.Dimension;
        if (embeddings.Length < (long)images.Count * dimension)
        {
            throw new ArgumentException($"{images.Count} embeddings need {(long)images.Count * dimension} floats.", nameof(embeddings));
        }
        var length = Model.PreprocessedLength;
        var batch = Math.Min(Model.MaxBatchSize, Math.Max(images.Count, 1));
        var pixels = ArrayPool<float>.Shared.Rent(batch * length);
        try
        {
            for (var start = 0; start < images.Count; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = Math.Min(batch, images.Count - start);
                PreprocessAll(images, start, n, pixels, cancellationToken);
                Model.Encode(pixels.AsSpan(0, n * length), n, embeddings.Slice(start * dimension, n * dimension), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pixels);
        }
    }

    public float[][] EncodeBatch(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var embeddings = new float[images.Count * Model.Dimension];
        Encode(images, embeddings, cancellationToken);
        return EmbeddingMath.SplitRows(embeddings, Model.Dimension);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<ImageInput> values, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingGeneration.CheckOptions(options, Model.Dimension);
        var vectors = EncodeBatch(values as IReadOnlyList<ImageInput> ?? values.ToList(), cancellationToken);
        return Task.FromResult(EmbeddingGeneration.ToGenerated(vectors, ModelName));
    }

    /// <summary>Embeds images given as <see cref="DataContent"/>; see <see cref="DataContentImages.ToImageInput"/>.</summary>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        return GenerateAsync(values.Select(DataContentImages.ToImageInput).ToList(), options, cancellationToken);
    }

    public object? GetService(object owner, Type serviceType, object? serviceKey) =>
        EmbeddingGeneration.GetService(owner, Metadata, serviceType, serviceKey);

    public void Dispose() => Model.Dispose();

    private void PreprocessAll(IReadOnlyList<ImageInput> images, int start, int count, float[] pixels, CancellationToken cancellationToken)
    {
        var length = Model.PreprocessedLength;
        if (count == 1)
        {
            Preprocess(images[start], pixels.AsSpan(0, length));
            return;
        }
        try
        {
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                Preprocess(images[start + i], pixels.AsSpan(i * length, length)));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
