namespace VectorImageSearch.Onnx.Imaging;

/// <summary>How a centre crop rounds its offset (size − crop) / 2 when that is not a whole number.</summary>
internal enum CropOffsetRounding
{
    /// <summary>floor((size − crop) / 2): Hugging Face's <c>center_crop</c> (CLIP).</summary>
    Floor,

    /// <summary>Python's round((size − crop) / 2), halves to even: torchvision's <c>CenterCrop</c> (ResNet).</summary>
    HalfToEven,
}
