using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Onnx.Encoders;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx;

/// <summary>
/// CLIP's image tower: images → L2-normalised embeddings in the space of <see cref="ClipTextEncoder"/>. Runs
/// <c>onnx/vision_model.onnx</c> (or a combined <c>model.onnx</c>, feeding its text inputs a dummy) on the
/// <c>pixel_values</c> input and reads <c>image_embeds</c> (else a pooled [N, D] output). Thread-safe; runs on the
/// calling thread (the async methods complete synchronously).
/// </summary>
public sealed class ClipImageEncoder : IImageEncoder, IEmbeddingGenerator<ImageInput, Embedding<float>>,
    IEmbeddingGenerator<DataContent, Embedding<float>>, IDisposable
{
    private readonly ImageEncoderCore _core;

    /// <summary>Loads the image tower of the CLIP model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipImageEncoder(string modelFolder)
        : this(new ClipEncoderOptions { ModelFolder = modelFolder })
    {
    }

    /// <summary>Loads the image tower with <paramref name="options"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipImageEncoder(ClipEncoderOptions options)
        : this(options, null)
    {
    }

    /// <summary>Loads the image tower with <paramref name="options"/>, logging to <paramref name="loggerFactory"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <param name="loggerFactory">Receives the CPU-fallback warning and the fixed-batch note; null for none.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipImageEncoder(ClipEncoderOptions options, ILoggerFactory? loggerFactory)
    {
        _core = Load(options, loggerFactory, out var folder);
        ModelFolder = folder;
    }

    /// <summary>The model folder.</summary>
    public string ModelFolder { get; }

    /// <summary>
    /// <c>{folder name}@sha256:{digest}</c> over the folder's ONNX files, tokenizer files and <c>preprocessor_config.json</c>; the same as
    /// the <see cref="ClipTextEncoder"/> of the same folder. Computed on first use (whole files are hashed), then kept.
    /// </summary>
    public string ModelFingerprint => _core.Fingerprint;

    /// <summary>The ONNX file that runs.</summary>
    public string ModelFile => _core.Model.ModelFile;

    /// <inheritdoc />
    public int Dimension => _core.Model.Dimension;

    /// <inheritdoc />
    public int PreprocessedLength => _core.Model.PreprocessedLength;

    /// <summary>The preprocessing recipe (from <c>preprocessor_config.json</c>, Immich's config, or the preset).</summary>
    internal PreprocessRecipe Recipe => _core.Model.Recipe;

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

    /// <summary>Embeds images given as <see cref="DataContent"/> (bytes or a <c>data:</c> URI with an <c>image/*</c> media type).</summary>
    /// <param name="values">The images.</param>
    /// <param name="options">Only <see cref="EmbeddingGenerationOptions.Dimensions"/> is read; it must be <see cref="Dimension"/> when set.</param>
    /// <param name="cancellationToken">Cancels between and during model runs.</param>
    /// <returns>One L2-normalised embedding per image, in input order.</returns>
    /// <exception cref="ArgumentException">A content is not an image (its media type), or is null.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) => _core.GenerateAsync(values, options, cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => _core.GetService(this, serviceType, serviceKey);

    /// <summary>Releases the ONNX session.</summary>
    public void Dispose() => _core.Dispose();

    private static ImageEncoderCore Load(ClipEncoderOptions options, ILoggerFactory? loggerFactory, out string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxImagePixels, 1, nameof(options.MaxImagePixels));
        var logger = (ILogger?)loggerFactory?.CreateLogger<ClipImageEncoder>() ?? NullLogger.Instance;
        var folder = ModelFiles.RequireFolder(options.ModelFolder);
        var modelFile = ModelFiles.FindClipTower(folder, "vision_model.onnx", "vision", options.ModelVariant);
        var selection = new ImageModelSelection("CLIP image encoder", null, null, ["image_embeds", "pooler_output", "embedding"], [], EmbeddingPooling.None);
        var model = ImageEmbeddingModel.Load(modelFile, options.Recipe ?? DefaultRecipe(folder), selection, options.OnnxRuntime ?? OnnxRuntimeOptions.Default,
            options.MaxBatchSize, logger);
        var name = ModelFiles.NameOf(folder);
        modelFolder = folder;
        var variant = options.ModelVariant;
        return new ImageEncoderCore(model, name, options.DecodeOptions ?? ImageDecodeOptions.Default with { MaxPixels = options.MaxImagePixels },
            () => ModelFingerprints.Compute(name, folder, ModelFiles.ClipFingerprintFiles(folder, variant), string.Empty));
    }

    /// <summary>The folder's <c>preprocessor_config.json</c>, else Immich's <c>visual/preprocess_cfg.json</c>, else CLIP's 224 recipe.</summary>
    private static PreprocessRecipe DefaultRecipe(string folder)
    {
        if (File.Exists(Path.Combine(folder, PreprocessRecipe.ConfigFileName)))
        {
            return PreprocessRecipe.FromFolder(folder);
        }
        var immich = Path.Combine(folder, ModelFiles.ImmichVisual, ImmichPreprocessConfig.FileName);
        return File.Exists(immich) ? ImmichPreprocessConfig.Read(immich) : PreprocessRecipe.Clip224;
    }
}
