namespace VectorImageSearch.Onnx.Imaging;

/// <summary>Which decoder complaints make a decode fail (libvips' <c>fail_on</c>).</summary>
internal enum DecodeStrictness
{
    /// <summary>Never fail on damaged data: decode what can be decoded (libvips' default; not recommended).</summary>
    Lenient = 0,

    /// <summary>Fail when the data is truncated, nothing else.</summary>
    Truncated = 1,

    /// <summary>Fail on truncation and on decoder errors (corrupt data). The pipeline's default.</summary>
    Error = 2,

    /// <summary>Fail on anything, even decoder warnings (some cameras' harmless quirks then fail too).</summary>
    Warning = 3,
}
