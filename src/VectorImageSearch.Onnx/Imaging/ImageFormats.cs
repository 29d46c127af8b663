namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// Which libvips loaders the pipeline opens (the photo formats), and a name for what it refuses: libvips' loader when it
/// has one, else a few well-known signatures libvips has no loader for (BMP, PDF without PDFium, …).
/// </summary>
internal static class ImageFormats
{
    /// <summary>The formats the pipeline decodes, as named in messages.</summary>
    public const string Supported = "JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF";

    /// <summary>The JPEG loader: the only one with shrink-on-load that stays within PIL's tolerance.</summary>
    public const string JpegLoader = "VipsForeignLoadJpegSource";

    // libvips' source loaders of the photo formats. Others (SVG, PDF, Netpbm, matrix, raw, …) are refused.
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        JpegLoader, "VipsForeignLoadPngSource", "VipsForeignLoadSpngSource", "VipsForeignLoadWebpSource",
        "VipsForeignLoadNsgifSource", "VipsForeignLoadGifSource", "VipsForeignLoadTiffSource", "VipsForeignLoadHeifSource",
    };

    /// <summary>Whether the pipeline opens images that libvips loads with <paramref name="loader"/>.</summary>
    public static bool IsAllowed(string loader) => Allowed.Contains(loader);

    /// <summary>A format name from libvips' loader type name ("VipsForeignLoadJpegSource" → "JPEG").</summary>
    public static string FromLoader(string loader)
    {
        const string prefix = "VipsForeignLoad", suffix = "Source";
        var name = loader.StartsWith(prefix, StringComparison.Ordinal) && loader.EndsWith(suffix, StringComparison.Ordinal) && loader.Length > prefix.Length + suffix.Length
            ? loader[prefix.Length..^suffix.Length]
            : loader;
        return name.ToUpperInvariant() switch
        {
            "SPNG" => "PNG",
            "NSGIF" => "GIF",
            "HEIF" => "HEIF/AVIF",
            "PPM" => "Netpbm",
            var upper => upper,
        };
    }

    /// <summary>The name of a well-known format from its first bytes, or <see langword="null"/>.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("BM"u8) && head.Length >= 14)
        {
            return "BMP";
        }
        if (head.StartsWith("%PDF"u8))
        {
            return "PDF";
        }
        if (head.StartsWith("8BPS"u8))
        {
            return "PSD";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x02, 0x00]))
        {
            return "ICO";
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
        {
            return "JPEG XL";
        }
        var text = head.TrimStart(" \t\r\n"u8);
        if (text.StartsWith("<svg"u8) || (text.StartsWith("<?xml"u8) && text.IndexOf("<svg"u8) >= 0))
        {
            return "SVG";
        }
        return null;
    }
}
