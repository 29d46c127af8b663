using Microsoft.Extensions.AI;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// CLIP's image tower: images → L2-normalised embeddings in the space of <see cref="ClipTextEncoder"/>. Runs
/// <c>onnx/vision_model.onnx</c> (or a combined <c>model.onnx</c>, feeding its text inputs a dummy) on the
/// <c>pixel_values</c> input and reads <c>image_embeds</c> (else a pooled [N, D] output). Thread-safe; runs on the
/// calling thread (the async methods complete synchronously).
/// </summary>
public sealed class ClipImageEncoder : IImageEncoder, IEmbeddingGenerator<ImageInput, Embedding<float>>, IDisposable
{
    private readonly ImageEncoderCore _core;

    /// <summary>Loads the image tower of the CLIP model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable.</exception>
    public ClipImageEncoder(string modelFolder)
        : this(new ClipEncoderOptions { ModelFolder = modelFolder })
    {
    }

    /// <summary>Loads the image tower with <paramref name="options"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable.</exception>
    public ClipImageEncoder(ClipEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = ModelFiles.RequireFolder(options.ModelFolder);
        var modelFile = ModelFiles.FindClipTower(folder, "vision_model.onnx", "vision");
        var recipe = options.Recipe
            ?? (File.Exists(Path.Combine(folder, PreprocessRecipe.ConfigFileName)) ? PreprocessRecipe.FromFolder(folder) : PreprocessRecipe.Clip224);
        var selection = new ImageModelSelection("CLIP image encoder", null, null, ["image_embeds", "pooler_output"], [], EmbeddingPooling.None);
        var model = TryLoad(modelFile, recipe, selection, options);
        var name = ModelFiles.NameOf(folder);
        _core = new ImageEncoderCore(model, name, options.DecodeOptions,
            () => ModelFingerprints.Compute(name, folder, ModelFiles.ClipFingerprintFiles(folder), string.Empty));
        ModelFolder = folder;
    }

    /// <summary>The model folder.</summary>
    public string ModelFolder { get; }

    /// <summary>The ONNX file that runs.</summary>
    public string ModelFile => _core.Model.ModelFile;

    /// <summary>The preprocessing recipe.</summary>
    public PreprocessRecipe Recipe => _core.Model.Recipe;

    /// <inheritdoc />
    public int Dimension => _core.Model.Dimension;

    /// <summary>
    /// <c>{folder name}@sha256:{digest}</c> over the folder's ONNX files, tokenizer files and <c>preprocessor_config.json</c>; the same as
    /// the <see cref="ClipTextEncoder"/> of the same folder. Computed on first use (whole files are hashed), then kept.
    /// </summary>
    public string ModelFingerprint => _core.Fingerprint;

    /// <inheritdoc />
    public int PreprocessedLength => _core.Model.PreprocessedLength;

    /// <inheritdoc />
    public void Preprocess(ImageInput image, Span<float> destination) => _core.Preprocess(image, destination);

    /// <inheritdoc />
    public void EncodePreprocessed(ReadOnlySpan<float> pixels, int count, Span<float> embeddings) =>
        _core.EncodePreprocessed(pixels, count, embeddings);

    /// <summary>Embeds one image.</summary>
    /// <param name="image">The image.</param>
    /// <returns>The L2-normalised embedding.</returns>
    public float[] Encode(ImageInput image) => _core.EncodeBatch([image], CancellationToken.None)[0];

    /// <summary>Embeds several images; results are in input order.</summary>
    /// <param name="images">The images.</param>
    /// <param name="cancellationToken">Cancels between and during model runs.</param>
    /// <returns>One L2-normalised embedding per image.</returns>
    public float[][] EncodeBatch(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default) =>
        _core.EncodeBatch(images, cancellationToken);

    /// <inheritdoc />
    public Task<float[]> EncodeAsync(ImageInput image, CancellationToken cancellationToken = default) =>
        Task.FromResult(_core.EncodeBatch([image], cancellationToken)[0]);

    /// <inheritdoc />
    public Task<float[][]> EncodeBatchAsync(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default) =>
        Task.FromResult(_core.EncodeBatch(images, cancellationToken));

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<ImageInput> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) => _core.GenerateAsync(values, options, cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <summary>Releases the ONNX session.</summary>
    public void Dispose() => _core.Dispose();

    internal static ImageEmbeddingModel TryLoad(string modelFile, PreprocessRecipe recipe, ImageModelSelection selection, ClipEncoderOptions options) =>
        ImageEmbeddingModel.Load(modelFile, recipe, selection, options.SessionOptions ?? Runtime.OnnxSessionOptions.Default, options.MaxBatchSize);
}
