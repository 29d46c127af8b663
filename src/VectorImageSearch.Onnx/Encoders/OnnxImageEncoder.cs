using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Onnx.Encoders;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx;

/// <summary>
/// Any ONNX image backbone as an image encoder: a headless ResNet50 (pooled [N, C, H, W], [N, C, 1, 1] or [N, C]
/// features) or a ViT/DINO-style transformer ([N, T, D] pooled to the CLS token or the token mean). Embeddings are
/// L2-normalised. Images are preprocessed by the <see cref="ImageEncoderPreset"/>'s recipe, or by a Hugging Face
/// <c>preprocessor_config.json</c> in the model folder or beside the ONNX file (see <see cref="OnnxImageEncoderOptions"/>).
/// Thread-safe; runs on the calling thread (the async methods complete synchronously).
/// </summary>
public sealed class OnnxImageEncoder : IImageEncoder, IEmbeddingGenerator<ImageInput, Embedding<float>>,
    IEmbeddingGenerator<DataContent, Embedding<float>>, IDisposable
{
    private readonly ImageEncoderCore _core;

    /// <summary>Loads the backbone at <paramref name="modelPath"/> as a <see cref="ImageEncoderPreset.ResNet50"/>.</summary>
    /// <param name="modelPath">An ONNX file, or a folder holding <c>model.onnx</c> and optionally <c>preprocessor_config.json</c>.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output.</exception>
    public OnnxImageEncoder(string modelPath)
        : this(modelPath, ImageEncoderPreset.ResNet50)
    {
    }

    /// <summary>Loads the backbone at <paramref name="modelPath"/> with a preset.</summary>
    /// <param name="modelPath">An ONNX file, or a folder holding <c>model.onnx</c> and optionally <c>preprocessor_config.json</c>.</param>
    /// <param name="preset">The kind of backbone.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output.</exception>
    public OnnxImageEncoder(string modelPath, ImageEncoderPreset preset)
        : this(new OnnxImageEncoderOptions { ModelPath = modelPath, Preset = preset })
    {
    }

    /// <summary>Loads the backbone with <paramref name="options"/>.</summary>
    /// <param name="options">The model and settings.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public OnnxImageEncoder(OnnxImageEncoderOptions options)
        : this(options, null)
    {
    }

    /// <summary>Loads the backbone with <paramref name="options"/>, logging to <paramref name="loggerFactory"/>.</summary>
    /// <param name="options">The model and settings.</param>
    /// <param name="loggerFactory">Receives the CPU-fallback warning and the fixed-batch note; null for none.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public OnnxImageEncoder(OnnxImageEncoderOptions options, ILoggerFactory? loggerFactory)
    {
        _core = Load(options, loggerFactory);
        Preset = options.Preset;
    }

    /// <summary>The preset the encoder was loaded with.</summary>
    public ImageEncoderPreset Preset { get; }

    /// <summary>The pooling applied to the model output (resolved; never <see cref="EmbeddingPooling.Auto"/>).</summary>
    public EmbeddingPooling Pooling => _core.Model.Pooling;

    /// <summary>The name of the output that is embedded.</summary>
    public string OutputName => _core.Model.Output.Name;

    /// <summary>
    /// <c>{model name}@sha256:{digest}</c> over the ONNX file, the folder's <c>preprocessor_config.json</c> when it is
    /// used, and the chosen input, output, pooling and recipe. Computed on first use (whole files are hashed), then kept.
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

    private static ImageEncoderCore Load(OnnxImageEncoderOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxImagePixels, 1, nameof(options.MaxImagePixels));
        if (!Enum.IsDefined(options.Preset))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Preset, "Unknown image encoder preset.");
        }
        var logger = (ILogger?)loggerFactory?.CreateLogger<OnnxImageEncoder>() ?? NullLogger.Instance;
        var modelFile = ModelFiles.FindImageModel(options.ModelPath, out var folder, options.ModelVariant);
        var configPath = Path.Combine(folder, PreprocessRecipe.ConfigFileName);
        var meanImageFile = options.Recipe is null && options.Preset == ImageEncoderPreset.MlNetResNet ? MlNetPreprocessFile(modelFile) : null;
        var recipe = options.Recipe
            ?? (meanImageFile is not null ? PreprocessRecipe.MlNetImageNet224(MeanImage.FromOnnxInitializer(meanImageFile))
            : File.Exists(configPath) ? PreprocessRecipe.FromFolder(folder) : DefaultRecipe(options.Preset));
        var selection = options.Preset != ImageEncoderPreset.VisionTransformer
            ? new ImageModelSelection($"{options.Preset} image encoder", options.InputName, options.OutputName, [], [4, 2], options.Pooling)
            : new ImageModelSelection("ViT image encoder", options.InputName, options.OutputName, ["last_hidden_state"], [3, 2], options.Pooling);
        var model = ImageEmbeddingModel.Load(modelFile, recipe, selection, options.OnnxRuntime ?? OnnxRuntimeOptions.Default, options.MaxBatchSize, logger);
        var name = File.Exists(Path.GetFullPath(options.ModelPath)) ? Path.GetFileNameWithoutExtension(modelFile) : ModelFiles.NameOf(folder);
        List<string> files = [.. ModelFiles.WithExternalData(modelFile)];
        if (meanImageFile is not null)
        {
            files.Add(meanImageFile);
        }
        else if (options.Recipe is null && File.Exists(configPath))
        {
            files.Add(configPath);
        }
        return new ImageEncoderCore(model, name, options.DecodeOptions ?? ImageDecodeOptions.Default with { MaxPixels = options.MaxImagePixels },
            () => ModelFingerprints.Compute(name, folder, files, $"{options.Preset};{model.Settings}"));
    }

    /// <summary>The file that holds an ML.NET ResNet's mean image: beside the model, or where the NuGet package puts it.</summary>
    private static string MlNetPreprocessFile(string modelFile)
    {
        const string Name = "ResNetPreprocess.onnx";
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelFile))!;
        string[] candidates = [Path.Combine(folder, Name), Path.GetFullPath(Path.Combine(folder, "..", "ResNetPrepOnnx", Name))];
        return candidates.FirstOrDefault(File.Exists) ?? throw new ModelLoadException(modelFile,
            $"the MlNetResNet preset needs the mean image of {Name}, which is in neither '{candidates[0]}' nor '{candidates[1]}'.");
    }

    private static PreprocessRecipe DefaultRecipe(ImageEncoderPreset preset) => preset == ImageEncoderPreset.ResNet50
        ? PreprocessRecipe.ResNet224
        : PreprocessRecipe.ResNet224 with { ProcessorType = "ViTImageNetRecipe", Resample = ResampleFilter.Bicubic, CropRounding = CropOffsetRounding.Floor };
}
