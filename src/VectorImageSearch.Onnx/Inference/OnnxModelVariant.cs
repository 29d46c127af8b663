namespace VectorImageSearch.Onnx;

/// <summary>
/// Which file of a Hugging Face ONNX export runs: the exports ship one model in several precisions side by side
/// (<c>onnx/vision_model.onnx</c>, <c>onnx/vision_model_fp16.onnx</c>, <c>onnx/vision_model_quantized.onnx</c>, …).
/// The variant's suffix is put before <c>.onnx</c> of every file the encoder looks for.
/// </summary>
public enum OnnxModelVariant
{
    /// <summary>The full-precision file, without a suffix (<c>model.onnx</c>; the default).</summary>
    Fp32 = 0,

    /// <summary>Half precision: <c>model_fp16.onnx</c> (float16 weights, and often float16 inputs and outputs, converted for you).</summary>
    Fp16 = 1,

    /// <summary>Dynamically quantized to 8 bits: <c>model_quantized.onnx</c>.</summary>
    Quantized = 2,

    /// <summary>Signed 8-bit weights: <c>model_int8.onnx</c>.</summary>
    Int8 = 3,

    /// <summary>Unsigned 8-bit weights: <c>model_uint8.onnx</c>.</summary>
    UInt8 = 4,

    /// <summary>4-bit weights (MatMulNBits): <c>model_q4.onnx</c>.</summary>
    Q4 = 5,

    /// <summary>4-bit weights with float16 activations: <c>model_q4f16.onnx</c>.</summary>
    Q4F16 = 6,

    /// <summary>bitsandbytes 4-bit weights: <c>model_bnb4.onnx</c>.</summary>
    Bnb4 = 7,
}
