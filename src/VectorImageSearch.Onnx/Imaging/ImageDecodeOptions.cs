namespace VectorImageSearch.Onnx.Imaging;

/// <summary>Limits and trade-offs of decoding an image in <see cref="ImagePipeline"/>.</summary>
internal sealed record ImageDecodeOptions
{
    /// <summary>The default pixel limit: 100 million pixels (for example 12,000 × 8,333).</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>The options used when none are given.</summary>
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>
    /// Images whose header claims more pixels (width × height, before any shrinking) than this are refused with an
    /// <see cref="ImageDecodeException"/> before any pixel is decoded: a guard against decompression bombs.
    /// Zero or less turns the guard off. Default <see cref="DefaultMaxPixels"/>.
    /// </summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Which decoder complaints fail the decode. Default <see cref="DecodeStrictness.Error"/>: truncated or corrupt data fails.</summary>
    public DecodeStrictness Strictness { get; init; } = DecodeStrictness.Error;

    /// <summary>
    /// Whether large JPEGs are decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling) before resampling. The scale
    /// is chosen so that the decoded shorter edge stays at least <see cref="ShrinkOnLoadMargin"/> times the recipe's
    /// resize target, which keeps the result within the PIL parity tolerance. Default <see langword="true"/>.
    /// </summary>
    public bool ShrinkOnLoad { get; init; } = true;

    /// <summary>
    /// How many times larger than the resize target the shorter edge must stay when <see cref="ShrinkOnLoad"/> is on.
    /// Default 2; smaller is faster and less faithful. Must be at least 1.
    /// </summary>
    public double ShrinkOnLoadMargin { get; init; } = 2.0;

    /// <summary>Which code resizes: <see cref="ResizeEngine.Pil"/> (default, PIL-exact) or the opt-in <see cref="ResizeEngine.Libvips"/>.</summary>
    public ResizeEngine ResizeEngine { get; init; } = ResizeEngine.Pil;
}
