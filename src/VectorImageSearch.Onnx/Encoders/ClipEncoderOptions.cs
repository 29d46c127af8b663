using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx;

/// <summary>Settings of <see cref="ClipTextEncoder"/> and <see cref="ClipImageEncoder"/>; bindable from configuration.</summary>
public sealed class ClipEncoderOptions
{
    /// <summary>
    /// The model folder in the Hugging Face / ONNX-export layout: <c>onnx/text_model.onnx</c> and
    /// <c>onnx/vision_model.onnx</c> (or one <c>model.onnx</c> with both towers), the tokenizer files and
    /// <c>preprocessor_config.json</c> (the image preprocessing; CLIP's 224 recipe when it is missing), or Immich's
    /// <c>textual/</c> and <c>visual/</c> layout.
    /// </summary>
    public string ModelFolder { get; set; } = string.Empty;

    /// <summary>How ONNX Runtime runs the model: execution provider (CPU, CUDA, TensorRT, DirectML, Core ML, OpenVINO), CPU fallback, threads, and a hook on its <c>SessionOptions</c>.</summary>
    public OnnxRuntimeOptions OnnxRuntime { get; set; } = OnnxRuntimeOptions.Default;

    /// <summary>Which file of a Hugging Face ONNX export runs: <see cref="OnnxModelVariant.Fp32"/> (the default, no suffix), <c>_fp16</c>, <c>_quantized</c>, <c>_int8</c>, <c>_uint8</c>, <c>_q4</c>, <c>_q4f16</c> or <c>_bnb4</c>.</summary>
    public OnnxModelVariant ModelVariant { get; set; } = OnnxModelVariant.Fp32;

    /// <summary>The most texts or images given to the model in one run; larger batches are split. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>The image recipe; null to read the folder's <c>preprocessor_config.json</c> (or CLIP's 224 recipe when it has none). Internal: users describe a recipe with a <c>preprocessor_config.json</c>.</summary>
    internal PreprocessRecipe? Recipe { get; set; }

    /// <summary>Image decoding limits; null for <see cref="ImageDecodeOptions.Default"/> (a 100-million-pixel limit, truncated or corrupt data fails).</summary>
    /// <summary>
    /// The most pixels (width × height, read from the file's header before decoding) an image may have; larger images
    /// fail with an <see cref="ImageDecodeException"/> naming the file and its size instead of taking the memory to
    /// decode them. Default 100 million (a 10,000 × 10,000 scan); raise it for large panoramas or scans.
    /// </summary>
    public long MaxImagePixels { get; set; } = ImageDecodeOptions.DefaultMaxPixels;

    internal ImageDecodeOptions? DecodeOptions { get; set; }
}
