using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Any ONNX image backbone as an image encoder: a headless ResNet50 (pooled [N, C, H, W], [N, C, 1, 1] or [N, C]
/// features) or a ViT/DINO-style transformer ([N, T, D] pooled to the CLS token or the token mean). Embeddings are
/// L2-normalised. Thread-safe; runs on the calling thread (the async methods complete synchronously).
/// </summary>
public sealed class OnnxImageEncoder : ImageEncoderBase
{
    /// <summary>Loads the backbone at <paramref name="modelPath"/> with a preset.</summary>
    /// <param name="modelPath">An ONNX file, or a folder holding <c>model.onnx</c> and optionally <c>preprocessor_config.json</c>.</param>
    /// <param name="preset">The kind of backbone.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output.</exception>
    public OnnxImageEncoder(string modelPath, ImageEncoderPreset preset = ImageEncoderPreset.ResNet50)
        : this(new OnnxImageEncoderOptions { ModelPath = modelPath, Preset = preset })
    {
    }

    /// <summary>Loads the backbone with <paramref name="options"/>.</summary>
    /// <param name="options">The model and settings.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output, or the execution provider cannot load (inner <see cref="ExecutionProviderUnavailableException"/>) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
        public OnnxImageEncoder(OnnxImageEncoderOptions options)
        : this(options, null)
    {
    }

    /// <summary>Loads the backbone with <paramref name="options"/>, logging to <paramref name="loggerFactory"/>.</summary>
    /// <param name="options">The model and settings.</param>
    /// <param name="loggerFactory">Receives the CPU-fallback warning and the fixed-batch note; null for none.</param>
    /// <exception cref="ModelLoadException">The model is missing, cannot be loaded, or has no usable image input or embedding output, or the execution provider cannot load (inner <see cref="ExecutionProviderUnavailableException"/>) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
        public OnnxImageEncoder(OnnxImageEncoderOptions options, ILoggerFactory? loggerFactory)
        : base(Load(options, loggerFactory))
    {
        Preset = options.Preset;
    }

    /// <summary>The preset the encoder was loaded with.</summary>
    public ImageEncoderPreset Preset { get; }

    /// <summary>The pooling applied to the model output (resolved; never <see cref="EmbeddingPooling.Auto"/>).</summary>
    public EmbeddingPooling Pooling => Core.Model.Pooling;

    /// <summary>The name of the output that is embedded.</summary>
    public string OutputName => Core.Model.Output.Name;

    /// <summary>
    /// <c>{model name}@sha256:{digest}</c> over the ONNX file, the folder's <c>preprocessor_config.json</c> when it is
    /// used, and the chosen input, output, pooling and recipe. Computed on first use (whole files are hashed), then kept.
    /// </summary>
    public override string ModelFingerprint => Core.Fingerprint;

    private static ImageEncoderCore Load(OnnxImageEncoderOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        return new ImageEncoderCore(model, name, options.DecodeOptions,
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
