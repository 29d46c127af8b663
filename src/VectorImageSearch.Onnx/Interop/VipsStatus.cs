namespace VectorImageSearch.Onnx.Interop;

/// <summary>The result codes of the libvips shim (<c>native/vis_vips.c</c>, enum <c>VIS_VIPS_*</c>).</summary>
internal enum VipsStatus
{
    /// <summary>Success.</summary>
    Ok = 0,

    /// <summary>The input holds no bytes.</summary>
    Empty = 1,

    /// <summary>No libvips loader recognises the bytes.</summary>
    UnknownFormat = 2,

    /// <summary>libvips recognises the format but it is not one the pipeline decodes (SVG, PDF, …).</summary>
    Unsupported = 3,

    /// <summary>The header claims more pixels than allowed.</summary>
    TooLarge = 4,

    /// <summary>The header or the pixels could not be decoded (truncated, corrupt).</summary>
    Corrupt = 5,

    /// <summary>The file could not be opened.</summary>
    IO = 6,

    /// <summary>A bad argument reached the shim.</summary>
    Argument = 7,

    /// <summary>Any other libvips failure.</summary>
    Internal = 8,
}
