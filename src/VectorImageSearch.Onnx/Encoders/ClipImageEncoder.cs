using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// CLIP's image tower: images → L2-normalised embeddings in the space of <see cref="ClipTextEncoder"/>. Runs
/// <c>onnx/vision_model.onnx</c> (or a combined <c>model.onnx</c>, feeding its text inputs a dummy) on the
/// <c>pixel_values</c> input and reads <c>image_embeds</c> (else a pooled [N, D] output). Thread-safe; runs on the
/// calling thread (the async methods complete synchronously).
/// </summary>
public sealed class ClipImageEncoder : ImageEncoderBase
{
    /// <summary>Loads the image tower of the CLIP model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable, or the execution provider cannot load (inner <see cref="ExecutionProviderUnavailableException"/>) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipImageEncoder(string modelFolder)
        : this(new ClipEncoderOptions { ModelFolder = modelFolder })
    {
    }

    /// <summary>Loads the image tower with <paramref name="options"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable, or the execution provider cannot load (inner <see cref="ExecutionProviderUnavailableException"/>) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
        public ClipImageEncoder(ClipEncoderOptions options)
        : this(options, null)
    {
    }

    /// <summary>Loads the image tower with <paramref name="options"/>, logging to <paramref name="loggerFactory"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <param name="loggerFactory">Receives the CPU-fallback warning and the fixed-batch note; null for none.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable, or the execution provider cannot load (inner <see cref="ExecutionProviderUnavailableException"/>) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
        public ClipImageEncoder(ClipEncoderOptions options, ILoggerFactory? loggerFactory)
        : base(Load(options, loggerFactory, out var folder))
    {
        ModelFolder = folder;
    }

    /// <summary>The model folder.</summary>
    public string ModelFolder { get; }

    /// <summary>
    /// <c>{folder name}@sha256:{digest}</c> over the folder's ONNX files, tokenizer files and <c>preprocessor_config.json</c>; the same as
    /// the <see cref="ClipTextEncoder"/> of the same folder. Computed on first use (whole files are hashed), then kept.
    /// </summary>
    public override string ModelFingerprint => Core.Fingerprint;

    private static ImageEncoderCore Load(ClipEncoderOptions options, ILoggerFactory? loggerFactory, out string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = (ILogger?)loggerFactory?.CreateLogger<ClipImageEncoder>() ?? NullLogger.Instance;
        var folder = ModelFiles.RequireFolder(options.ModelFolder);
        var modelFile = ModelFiles.FindClipTower(folder, "vision_model.onnx", "vision", options.ModelVariant);
        var selection = new ImageModelSelection("CLIP image encoder", null, null, ["image_embeds", "pooler_output", "embedding"], [], EmbeddingPooling.None);
        var model = ImageEmbeddingModel.Load(modelFile, options.Recipe ?? DefaultRecipe(folder), selection, options.OnnxRuntime ?? OnnxRuntimeOptions.Default,
            options.MaxBatchSize, logger);
        var name = ModelFiles.NameOf(folder);
        modelFolder = folder;
        var variant = options.ModelVariant;
        return new ImageEncoderCore(model, name, options.DecodeOptions,
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
