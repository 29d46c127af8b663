using Microsoft.ML.OnnxRuntime;
using VectorImageSearch.Onnx;

namespace VectorImageSearch;

/// <summary>
/// Configures <see cref="IImageSearch"/>: which models embed images and text, which index holds the vectors, where
/// it is saved, and how indexing runs. Bindable from configuration (section "ImageSearch" by convention).
/// </summary>
public sealed partial class ImageSearchOptions
{
    /// <summary>The image file extensions indexed by default.</summary>
    public static IReadOnlyList<string> DefaultExtensions { get; } =
        [".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif"];

    /// <summary>A CLIP model folder (Hugging Face / ONNX-export layout) for both text and images.</summary>
    public string? ClipModelPath { get; set; }

    /// <summary>An image-only model folder (e.g. a headless ResNet50); used instead of CLIP's vision tower when set.</summary>
    public string? ImageModelPath { get; set; }

    /// <summary>
    /// The kind of backbone at <see cref="ImageModelPath"/>: <see cref="ImageEncoderPreset.ResNet50"/> (the default),
    /// <see cref="ImageEncoderPreset.VisionTransformer"/> or <see cref="ImageEncoderPreset.MlNetResNet"/>; it picks the
    /// preprocessing and the output. Configuration takes the name, e.g. <c>"ImageModelPreset": "VisionTransformer"</c>.
    /// </summary>
    public ImageEncoderPreset ImageModelPreset { get; set; } = ImageEncoderPreset.ResNet50;

    /// <summary>
    /// How the output of <see cref="ImageModelPath"/> becomes one vector: <see cref="EmbeddingPooling.Auto"/> (the default:
    /// by the output's rank, a transformer's CLS token) or, for example, <see cref="EmbeddingPooling.MeanTokens"/>.
    /// </summary>
    public EmbeddingPooling ImageModelPooling { get; set; } = EmbeddingPooling.Auto;

    /// <summary>
    /// The FAISS vector index of the built-in store: "Auto" (the default: chosen by collection size, or under
    /// <see cref="IndexBudget"/>), or a FAISS factory string such as "Flat", "IVF1024,Flat" or "HNSW32". Configuration key
    /// <c>Index</c>.
    /// </summary>
    public string Index { get; set; } = "Auto";

    /// <summary>
    /// With <see cref="Index"/> "Auto": the memory budget and target recall the FAISS index is chosen under
    /// (configuration keys <c>IndexBudget:MemoryBytes</c>, <c>IndexBudget:TargetRecall</c>,
    /// <c>IndexBudget:RecallK</c>, <c>IndexBudget:MaxQueryLatency</c>); <see langword="null"/> (the default) chooses by size.
    /// </summary>
    public IndexBudget? IndexBudget { get; set; }

    /// <summary>
    /// Texts whose embeddings tune the index chosen under <see cref="IndexBudget"/>: searches like your users' ("a dog on the
    /// beach"). Empty (the default) uses <see cref="DefaultTuningTexts"/> when the model has a text encoder; image-only
    /// models tune on held-back images.
    /// </summary>
    public IList<string> IndexTuningTexts { get; set; } = [];

    /// <summary>The folder the index is saved to and loaded from. When it holds an index, it is loaded on first use.</summary>
    public string? IndexPath { get; set; }

    /// <summary>Images per model run while indexing.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Images decoded at once while indexing; defaults to the number of processors.</summary>
    public int DecodeParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Threads ONNX Runtime uses inside one model run; 0 (the default) lets it take one per physical core. On a CPU
    /// that also decodes the images, fewer inference threads leave cores to the decoders (see docs/benchmarks.md).
    /// </summary>
    public int InferenceThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's idle inference threads spin (ONNX Runtime's own default) instead of sleeping. Default
    /// <see langword="false"/>: spinning can shave latency off single queries on idle cores, but takes CPU from the image
    /// decoders that run beside the model while indexing (see docs/benchmarks.md, "Speed").
    /// </summary>
    public bool InferenceThreadSpinning { get; set; }

    /// <summary>
    /// Where the models run: <see cref="OnnxExecutionProvider.Cpu"/> (the default), Cuda, TensorRT, DirectML, CoreML or
    /// OpenVINO. Each needs the application to reference the ONNX Runtime package that carries it (docs/packaging.md);
    /// loading the models fails with a message naming the package and the missing library otherwise, unless
    /// <see cref="ExecutionProviderFallbackToCpu"/> is set.
    /// </summary>
    public OnnxExecutionProvider ExecutionProvider { get; set; } = OnnxExecutionProvider.Cpu;

    /// <summary>The GPU the models run on (CUDA, TensorRT or DirectML device id).</summary>
    public int DeviceId { get; set; }

    /// <summary>The GPU the models run on when <see cref="ExecutionProvider"/> is CUDA (the configuration key of earlier versions).</summary>
    [Obsolete("Use DeviceId, which applies to every GPU execution provider.")]
    public int CudaDeviceId
    {
        get => DeviceId;
        set => DeviceId = value;
    }

    /// <summary>When the <see cref="ExecutionProvider"/> cannot load, run on the CPU and log a warning instead of failing.</summary>
    public bool ExecutionProviderFallbackToCpu { get; set; }

    /// <summary>
    /// Which file of a Hugging Face ONNX export runs: <see cref="OnnxModelVariant.Fp32"/> (the default), Fp16,
    /// Quantized, Int8, UInt8, Q4, Q4F16 or Bnb4 (<c>onnx/vision_model_fp16.onnx</c> and so on).
    /// </summary>
    public OnnxModelVariant ModelVariant { get; set; } = OnnxModelVariant.Fp32;

    /// <summary>
    /// The most pixels an image may have (width × height, read from its header before decoding); a larger file is
    /// reported as failed, naming its size, instead of taking the memory to decode it. Default 100 million.
    /// </summary>
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>Called with ONNX Runtime's <see cref="SessionOptions"/> of every model session, after the settings above (not bindable from configuration).</summary>
    public Action<SessionOptions>? ConfigureSessionOptions { get; set; }

    /// <summary>Whether IndexDirectoryAsync looks into subfolders.</summary>
    public bool IncludeSubdirectories { get; set; } = true;

    /// <summary>
    /// Whether IndexDirectoryAsync descends into folders reached through symbolic links (default: no). Either way each
    /// folder is visited once, known by device and inode, so a link back to a parent folder cannot loop.
    /// </summary>
    public bool FollowSymbolicLinks { get; set; }

    /// <summary>The file extensions IndexDirectoryAsync picks up (with or without the dot; case-insensitive).</summary>
    public IList<string> Extensions { get; set; } = [.. DefaultExtensions];

    /// <summary>Whether loading compares every file with its SHA-256 in the manifest (reads the whole index once).</summary>
    public bool VerifyChecksumsOnLoad { get; set; } = true;

    /// <summary>
    /// Whether the saved FAISS index at <see cref="IndexPath"/> is memory-mapped instead of read into memory (an IVF
    /// index's lists stay in the file; see <c>FaissImageStoreOptions.MemoryMapOnLoad</c>). The index is then read-only:
    /// indexing, removing and saving fail with an <see cref="InvalidOperationException"/> saying so; searches work.
    /// </summary>
    public bool MemoryMapIndexOnLoad { get; set; }

    /// <summary>
    /// The threads the FAISS index uses for one search, training or adding; 0 (the default) keeps FAISS's own, one per
    /// core. With many concurrent queries, or a model sharing the cores, 1 or 2 serves best.
    /// </summary>
    public int IndexThreads { get; set; }

    /// <summary>Uses a CLIP model folder for text and images.</summary>
    /// <param name="modelFolder">The folder holding onnx/text_model.onnx and onnx/vision_model.onnx (or model.onnx) and the tokenizer files.</param>
    public ImageSearchOptions UseClip(string modelFolder)
    {
        ClipModelPath = modelFolder;
        return this;
    }

    /// <summary>Uses an image-only backbone for images (image-to-image search).</summary>
    /// <param name="modelFolder">The folder holding model.onnx and preprocessor_config.json.</param>
    /// <param name="preset">The kind of backbone (<see cref="ImageModelPreset"/>): pooled CNN features by default.</param>
    /// <param name="pooling">How its output becomes one vector (<see cref="ImageModelPooling"/>).</param>
    public ImageSearchOptions UseImageEncoder(string modelFolder, ImageEncoderPreset preset = ImageEncoderPreset.ResNet50, EmbeddingPooling pooling = EmbeddingPooling.Auto)
    {
        ImageModelPath = modelFolder;
        ImageModelPreset = preset;
        ImageModelPooling = pooling;
        return this;
    }

    /// <summary>Chooses the FAISS index (<see cref="Index"/>): "Auto", or a factory string such as "Flat", "IVF1024,Flat", "IVF1024,PQ32", "HNSW32".</summary>
    /// <param name="index">"Auto" or the factory string.</param>
    public ImageSearchOptions UseFaiss(string index)
    {
        Index = index;
        return this;
    }

    /// <summary>Generic photo searches that tune a budgeted index when <see cref="IndexTuningTexts"/> is empty and the model embeds text.</summary>
    public static IReadOnlyList<string> DefaultTuningTexts { get; } =
    [
        "a photo of a dog", "a photo of a cat", "a person smiling", "a group of people", "a child playing", "a portrait of a woman",
        "a portrait of a man", "a beach at sunset", "a mountain landscape", "a forest in autumn", "a city street at night",
        "a snowy field", "a lake with trees", "flowers in a garden", "a close-up of a flower", "a plate of food", "a birthday cake",
        "a cup of coffee", "a car on a road", "a bicycle", "a train station", "an airplane in the sky", "a boat on the water",
        "a house", "a living room", "a kitchen", "a bird on a branch", "a horse in a field", "fish in the sea", "a concert",
        "a wedding", "a football match", "a document with text", "a screenshot", "a drawing", "a map", "a red object",
        "a blue sky with clouds", "a black and white photo", "a dark night scene",
    ];

    /// <summary>Throws when the options cannot make a working search.</summary>
    /// <exception cref="InvalidOperationException">No model, or a bad number.</exception>
    public void Validate() => Validate(requireModel: true);

    /// <summary>Throws when the options cannot make a working search; a model is needed only where the options load the encoders.</summary>
    internal void Validate(bool requireModel)
    {
        if (requireModel && string.IsNullOrWhiteSpace(ClipModelPath) && string.IsNullOrWhiteSpace(ImageModelPath))
        {
            throw new InvalidOperationException("ImageSearchOptions needs a model: call UseClip(folder) or UseImageEncoder(folder), or set ClipModelPath / ImageModelPath.");
        }
        if (BatchSize < 1)
        {
            throw new InvalidOperationException($"ImageSearchOptions.BatchSize must be at least 1, not {BatchSize}.");
        }
        if (DecodeParallelism < 1)
        {
            throw new InvalidOperationException($"ImageSearchOptions.DecodeParallelism must be at least 1, not {DecodeParallelism}.");
        }
        if (InferenceThreads < 0)
        {
            throw new InvalidOperationException($"ImageSearchOptions.InferenceThreads must be 0 (ONNX Runtime's default) or more, not {InferenceThreads}.");
        }
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new InvalidOperationException(
                $"ImageSearchOptions.ExecutionProvider '{ExecutionProvider}' is unknown; use Cpu, Cuda, TensorRT, DirectML, CoreML or OpenVINO.");
        }
        if (DeviceId < 0)
        {
            throw new InvalidOperationException($"ImageSearchOptions.DeviceId must be 0 or more, not {DeviceId}.");
        }
        if (MaxImagePixels < 1)
        {
            throw new InvalidOperationException($"ImageSearchOptions.MaxImagePixels must be at least 1, not {MaxImagePixels}.");
        }
        if (IndexThreads < 0)
        {
            throw new InvalidOperationException($"ImageSearchOptions.IndexThreads must be 0 (FAISS's default, one per core) or more, not {IndexThreads}.");
        }
        if (!Enum.IsDefined(ModelVariant))
        {
            throw new InvalidOperationException(
                $"ImageSearchOptions.ModelVariant '{ModelVariant}' is unknown; use Fp32, Fp16, Quantized, Int8, UInt8, Q4, Q4F16 or Bnb4.");
        }
        if (!Enum.IsDefined(ImageModelPreset))
        {
            throw new InvalidOperationException(
                $"ImageSearchOptions.ImageModelPreset '{ImageModelPreset}' is unknown; use {string.Join(", ", Enum.GetNames<ImageEncoderPreset>())}.");
        }
        if (!Enum.IsDefined(ImageModelPooling))
        {
            throw new InvalidOperationException(
                $"ImageSearchOptions.ImageModelPooling '{ImageModelPooling}' is unknown; use {string.Join(", ", Enum.GetNames<EmbeddingPooling>())}.");
        }
        if (string.IsNullOrWhiteSpace(Index))
        {
            throw new InvalidOperationException("ImageSearchOptions.Index must not be empty; use \"Auto\" to let the library choose.");
        }
        try
        {
            IndexBudget?.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException($"ImageSearchOptions.{e.Message}", e);
        }
    }
}
