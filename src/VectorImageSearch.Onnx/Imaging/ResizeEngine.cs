namespace VectorImageSearch.Onnx.Imaging;

/// <summary>Which code resizes decoded pixels in <see cref="ImagePipeline"/>.</summary>
internal enum ResizeEngine
{
    /// <summary>
    /// The pipeline's own PIL-compatible resampler (the default): bit-exact with PIL 9.4 on the reference photos.
    /// </summary>
    Pil = 0,

    /// <summary>
    /// libvips' <c>vips_reduce</c> (linear or cubic kernel), decoding only the crop window. Opt-in: close to PIL but not
    /// identical (its fixed-point rounding and single 8-bit pass differ); see the parity test's output for the deviation.
    /// Upscaling still uses <see cref="Pil"/>.
    /// </summary>
    Libvips = 1,
}
