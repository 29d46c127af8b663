using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx;

/// <summary>
/// Settings of <see cref="OnnxImageEncoder"/>; bindable from configuration. A backbone whose preprocessing is not one
/// of the <see cref="ImageEncoderPreset"/>s is described by a Hugging Face <c>preprocessor_config.json</c> in the model
/// folder (or beside the ONNX file): <c>size</c> (<c>shortest_edge</c>, or <c>height</c> and <c>width</c>),
/// <c>resample</c> (2 bilinear, 3 bicubic), <c>do_center_crop</c> + <c>crop_size</c>, <c>do_rescale</c> +
/// <c>rescale_factor</c>, <c>do_normalize</c> + <c>image_mean</c> + <c>image_std</c>. With <see cref="ImageEncoderPreset.ResNet50"/> or
/// <see cref="ImageEncoderPreset.VisionTransformer"/> it replaces the preset's recipe (the preset still picks the output); the model's input size must match its crop (or resize).
/// </summary>
public sealed class OnnxImageEncoderOptions
{
    /// <summary>An ONNX file, or a folder holding <c>model.onnx</c> (or <c>onnx/model.onnx</c>, <c>onnx/vision_model.onnx</c>); a <c>preprocessor_config.json</c> in the folder (or beside the file) sets the preprocessing.</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>The kind of backbone; picks which output to use, and the preprocessing when there is no <c>preprocessor_config.json</c>.</summary>
    public ImageEncoderPreset Preset { get; set; } = ImageEncoderPreset.ResNet50;

    /// <summary>How the output is pooled; <see cref="EmbeddingPooling.Auto"/> decides by its rank (CLS token for [N, T, D]).</summary>
    public EmbeddingPooling Pooling { get; set; } = EmbeddingPooling.Auto;

    /// <summary>The image input; null for <c>pixel_values</c> or the model's one 4-D float input.</summary>
    public string? InputName { get; set; }

    /// <summary>The output to embed; null to choose by the preset.</summary>
    public string? OutputName { get; set; }

    /// <summary>The image recipe; null for the folder's <c>preprocessor_config.json</c>, else the preset's. Internal: users describe a recipe with a <c>preprocessor_config.json</c>.</summary>
    internal PreprocessRecipe? Recipe { get; set; }

    /// <summary>How ONNX Runtime runs the model: execution provider (CPU, CUDA, TensorRT, DirectML, Core ML, OpenVINO), CPU fallback, threads, and a hook on its <c>SessionOptions</c>.</summary>
    public OnnxRuntimeOptions OnnxRuntime { get; set; } = OnnxRuntimeOptions.Default;

    /// <summary>Which file of a Hugging Face ONNX export runs: <see cref="OnnxModelVariant.Fp32"/> (the default, no suffix), <c>_fp16</c>, <c>_quantized</c>, <c>_int8</c>, <c>_uint8</c>, <c>_q4</c>, <c>_q4f16</c> or <c>_bnb4</c>.</summary>
    public OnnxModelVariant ModelVariant { get; set; } = OnnxModelVariant.Fp32;

    /// <summary>The most images given to the model in one run; larger batches are split. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Image decoding limits; null for <see cref="ImageDecodeOptions.Default"/> (a 100-million-pixel limit, truncated or corrupt data fails).</summary>
    /// <summary>
    /// The most pixels (width × height, read from the file's header before decoding) an image may have; larger images
    /// fail with an <see cref="ImageDecodeException"/> naming the file and its size instead of taking the memory to
    /// decode them. Default 100 million (a 10,000 × 10,000 scan); raise it for large panoramas or scans.
    /// </summary>
    public long MaxImagePixels { get; set; } = ImageDecodeOptions.DefaultMaxPixels;

    internal ImageDecodeOptions? DecodeOptions { get; set; }
}
