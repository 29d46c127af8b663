using Microsoft.Extensions.AI;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// The members <see cref="ClipImageEncoder"/> and <see cref="OnnxImageEncoder"/> share: both embed images with one ONNX
/// model and differ only in how they find and load it. Embeddings are L2-normalised. Thread-safe; runs on the calling
/// thread (the async methods complete synchronously). Only this library derives from it. Also an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="DataContent"/> images, the convention
/// Microsoft.Extensions.VectorData uses for image queries.
/// </summary>
public abstract class ImageEncoderBase : IImageEncoder, IEmbeddingGenerator<ImageInput, Embedding<float>>,
    IEmbeddingGenerator<DataContent, Embedding<float>>, IDisposable
{
    private protected ImageEncoderBase(ImageEncoderCore core) => Core = core;

    /// <summary>The ONNX file that runs.</summary>
    public string ModelFile => Core.Model.ModelFile;

    /// <summary>The preprocessing recipe.</summary>
    public PreprocessRecipe Recipe => Core.Model.Recipe;

    /// <inheritdoc />
    public int Dimension => Core.Model.Dimension;

    /// <inheritdoc />
    public abstract string ModelFingerprint { get; }

    /// <inheritdoc />
    public int PreprocessedLength => Core.Model.PreprocessedLength;

    private protected ImageEncoderCore Core { get; }

    /// <inheritdoc />
    public void Preprocess(ImageInput image, Span<float> destination) => Core.Preprocess(image, destination);

    /// <inheritdoc />
    public void EncodePreprocessed(ReadOnlySpan<float> pixels, int count, Span<float> embeddings) =>
        Core.EncodePreprocessed(pixels, count, embeddings);

    /// <summary>Embeds one image.</summary>
    /// <param name="image">The image.</param>
    /// <returns>The L2-normalised embedding.</returns>
    public float[] Encode(ImageInput image) => Core.EncodeBatch([image], CancellationToken.None)[0];

    /// <summary>Embeds several images; results are in input order.</summary>
    /// <param name="images">The images.</param>
    /// <param name="cancellationToken">Cancels between and during model runs.</param>
    /// <returns>One L2-normalised embedding per image.</returns>
    public float[][] EncodeBatch(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default) =>
        Core.EncodeBatch(images, cancellationToken);

    /// <inheritdoc />
    public Task<float[]> EncodeAsync(ImageInput image, CancellationToken cancellationToken = default) =>
        Task.FromResult(Core.EncodeBatch([image], cancellationToken)[0]);

    /// <inheritdoc />
    public Task<float[][]> EncodeBatchAsync(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default) =>
        Task.FromResult(Core.EncodeBatch(images, cancellationToken));

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<ImageInput> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) => Core.GenerateAsync(values, options, cancellationToken);

    /// <summary>Embeds images given as <see cref="DataContent"/> (bytes or a <c>data:</c> URI with an <c>image/*</c> media type).</summary>
    /// <param name="values">The images.</param>
    /// <param name="options">Only <see cref="EmbeddingGenerationOptions.Dimensions"/> is read; it must be <see cref="Dimension"/> when set.</param>
    /// <param name="cancellationToken">Cancels between and during model runs.</param>
    /// <returns>One L2-normalised embedding per image, in input order.</returns>
    /// <exception cref="ArgumentException">A content is not an image (its media type), or is null.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Core.GenerateAsync(values.Select(DataContentImages.ToImageInput).ToList(), options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => Core.GetService(this, serviceType, serviceKey);

    /// <summary>Releases the ONNX session.</summary>
    public void Dispose() => Core.Dispose();
}
