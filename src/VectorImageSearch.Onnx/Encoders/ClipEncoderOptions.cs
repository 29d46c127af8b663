using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Runtime;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>Settings of <see cref="ClipTextEncoder"/> and <see cref="ClipImageEncoder"/>; bindable from configuration.</summary>
public sealed class ClipEncoderOptions
{
    /// <summary>
    /// The model folder in the Hugging Face / ONNX-export layout: <c>onnx/text_model.onnx</c> and
    /// <c>onnx/vision_model.onnx</c> (or one <c>model.onnx</c> with both towers), the tokenizer files and
    /// <c>preprocessor_config.json</c>.
    /// </summary>
    public string ModelFolder { get; set; } = string.Empty;

    /// <summary>How the ONNX sessions run (threads, optimisation, CPU or CUDA).</summary>
    public OnnxSessionOptions SessionOptions { get; set; } = OnnxSessionOptions.Default;

    /// <summary>The most texts or images given to the model in one run; larger batches are split. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>The image recipe; null to read the folder's <c>preprocessor_config.json</c> (or CLIP's 224 recipe when it has none).</summary>
    public PreprocessRecipe? Recipe { get; set; }

    /// <summary>Image decoding limits; null for <see cref="ImageDecodeOptions.Default"/>.</summary>
    public ImageDecodeOptions? DecodeOptions { get; set; }
}
