namespace VectorImageSearch.Onnx.Imaging;

/// <summary>The resampling filter of a resize, with PIL's meaning (Hugging Face's <c>resample</c> codes).</summary>
internal enum ResampleFilter
{
    /// <summary>Triangle filter, support 1 (PIL <c>BILINEAR</c>, code 2), antialiased when shrinking.</summary>
    Bilinear = 2,

    /// <summary>Keys cubic with a = −0.5, support 2 (PIL <c>BICUBIC</c>, code 3), antialiased when shrinking.</summary>
    Bicubic = 3,
}
