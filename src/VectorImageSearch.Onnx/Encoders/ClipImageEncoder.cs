using VectorImageSearch.Onnx.Imaging;

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
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable.</exception>
    public ClipImageEncoder(string modelFolder)
        : this(new ClipEncoderOptions { ModelFolder = modelFolder })
    {
    }

    /// <summary>Loads the image tower with <paramref name="options"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <exception cref="ModelLoadException">The folder, its vision model or its preprocessing config is missing or unusable.</exception>
    public ClipImageEncoder(ClipEncoderOptions options)
        : base(Load(options, out var folder))
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

    internal static ImageEmbeddingModel TryLoad(string modelFile, PreprocessRecipe recipe, ImageModelSelection selection, ClipEncoderOptions options) =>
        ImageEmbeddingModel.Load(modelFile, recipe, selection, options.SessionOptions ?? Runtime.OnnxSessionOptions.Default, options.MaxBatchSize);

    private static ImageEncoderCore Load(ClipEncoderOptions options, out string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = ModelFiles.RequireFolder(options.ModelFolder);
        var modelFile = ModelFiles.FindClipTower(folder, "vision_model.onnx", "vision");
        var recipe = options.Recipe
            ?? (File.Exists(Path.Combine(folder, PreprocessRecipe.ConfigFileName)) ? PreprocessRecipe.FromFolder(folder) : PreprocessRecipe.Clip224);
        var selection = new ImageModelSelection("CLIP image encoder", null, null, ["image_embeds", "pooler_output"], [], EmbeddingPooling.None);
        var model = TryLoad(modelFile, recipe, selection, options);
        var name = ModelFiles.NameOf(folder);
        modelFolder = folder;
        return new ImageEncoderCore(model, name, options.DecodeOptions,
            () => ModelFingerprints.Compute(name, folder, ModelFiles.ClipFingerprintFiles(folder), string.Empty));
    }
}
