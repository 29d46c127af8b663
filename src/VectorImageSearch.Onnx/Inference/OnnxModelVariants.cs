namespace VectorImageSearch.Onnx.Inference;

/// <summary>File names of <see cref="OnnxModelVariant"/>s.</summary>
internal static class OnnxModelVariants
{
    /// <summary>The suffix put before <c>.onnx</c>: "" for <see cref="OnnxModelVariant.Fp32"/>, else "_fp16", "_quantized", ….</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown variant.</exception>
    public static string Suffix(OnnxModelVariant variant) => variant switch
    {
        OnnxModelVariant.Fp32 => string.Empty,
        OnnxModelVariant.Fp16 => "_fp16",
        OnnxModelVariant.Quantized => "_quantized",
        OnnxModelVariant.Int8 => "_int8",
        OnnxModelVariant.UInt8 => "_uint8",
        OnnxModelVariant.Q4 => "_q4",
        OnnxModelVariant.Q4F16 => "_q4f16",
        OnnxModelVariant.Bnb4 => "_bnb4",
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown ONNX model variant."),
    };

    /// <summary><paramref name="relativePath"/> (ending in <c>.onnx</c>) with the variant's suffix.</summary>
    public static string Apply(string relativePath, OnnxModelVariant variant)
    {
        var suffix = Suffix(variant);
        return suffix.Length == 0 ? relativePath : relativePath[..^".onnx".Length] + suffix + ".onnx";
    }
}
