using System.Buffers.Binary;
using NetVips;

namespace VectorImageSearch.DecodeFuzzer;

/// <summary>
/// The seed corpus: small images (at most 48 pixels a side, so that AFL's mutations reach every part of a file) in every
/// format the pipeline decodes and in the odd variants a photo folder holds — CMYK, 16-bit, palette, grey, alpha,
/// interlaced and progressive, EXIF-rotated, animated, tiled — and files whose headers are huge or claim a huge image.
/// Made with libvips from the test photos, so that the corpus is reproducible; eng/fuzz/seeds holds the result.
/// </summary>
internal static class Seeds
{
    private const int Side = 48;

    /// <summary>Writes the seeds made from the first photos in <paramref name="photos"/> into <paramref name="output"/>.</summary>
    public static int Write(string photos, string output)
    {
        Cache.Max = 0;
        Directory.CreateDirectory(output);
        var sources = Directory.GetFiles(photos).Where(p => p.EndsWith(".png", StringComparison.Ordinal) || p.EndsWith(".jpg", StringComparison.Ordinal))
            .Where(p => !p.Contains("224", StringComparison.Ordinal) && !p.Contains("bad-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        if (sources.Length < 2)
        {
            Console.Error.WriteLine($"seeds: need at least two photos in {photos}");
            return 2;
        }
        using var colour = Small(sources[0]);
        using var other = Small(sources[1]);
        using var grey = colour.Colourspace(Enums.Interpretation.Bw);
        using var alpha = colour.Bandjoin(255).Copy(interpretation: Enums.Interpretation.Srgb);
        using var sixteen = colour.Cast(Enums.BandFormat.Ushort).Linear([257.0], [0.0]).Cast(Enums.BandFormat.Ushort).Copy(interpretation: Enums.Interpretation.Rgb16);
        using var cmyk = colour.Colourspace(Enums.Interpretation.Cmyk);
        using var rotated = colour.Mutate(m => m.Set(GValue.GIntType, "orientation", 6));
        using var animated = Image.Arrayjoin([colour, other, colour.Flip(Enums.Direction.Horizontal)], across: 1)
            .Mutate(m => m.Set(GValue.GIntType, "page-height", colour.Height));

        var seeds = new List<(string Name, byte[] Bytes)>
        {
            ("baseline.jpg", colour.WriteToBuffer(".jpg[Q=75]")),
            ("progressive.jpg", colour.WriteToBuffer(".jpg[Q=75,interlace]")),
            ("exif-rotated.jpg", rotated.WriteToBuffer(".jpg[Q=75]")),
            ("cmyk.jpg", cmyk.WriteToBuffer(".jpg[Q=75,keep=none]")),
            ("grey.jpg", grey.WriteToBuffer(".jpg[Q=75]")),
            ("subsample-off.jpg", colour.WriteToBuffer(".jpg[Q=90,subsample-mode=off]")),
            ("rgb.png", colour.WriteToBuffer(".png")),
            ("alpha.png", alpha.WriteToBuffer(".png")),
            ("palette.png", colour.WriteToBuffer(".png[palette]")),
            ("sixteen-bit.png", sixteen.WriteToBuffer(".png")),
            ("grey.png", grey.WriteToBuffer(".png")),
            ("interlaced.png", colour.WriteToBuffer(".png[interlace]")),
            ("lossy.webp", colour.WriteToBuffer(".webp[Q=75]")),
            ("lossless.webp", colour.WriteToBuffer(".webp[lossless]")),
            ("alpha.webp", alpha.WriteToBuffer(".webp[Q=75]")),
            ("animated.webp", animated.WriteToBuffer(".webp[Q=60]")),
            ("still.gif", colour.WriteToBuffer(".gif")),
            ("animated.gif", animated.WriteToBuffer(".gif")),
            ("strip.tif", colour.WriteToBuffer(".tif")),
            ("deflate.tif", colour.WriteToBuffer(".tif[compression=deflate]")),
            ("jpeg-tiled.tif", colour.WriteToBuffer(".tif[compression=jpeg,tile,tile-width=16,tile-height=16]")),
            ("sixteen-bit.tif", sixteen.WriteToBuffer(".tif")),
            ("cmyk.tif", cmyk.WriteToBuffer(".tif[keep=none]")),
        };
        try
        {
            seeds.Add(("still.avif", colour.WriteToBuffer(".avif[Q=50]")));
        }
        catch (VipsException e)
        {
            Console.Error.WriteLine($"seeds: no AVIF seed, this libvips cannot write it ({e.Message.Split('\n')[0]})");
        }
        var png = seeds.Single(s => s.Name == "rgb.png").Bytes;
        var jpeg = seeds.Single(s => s.Name == "baseline.jpg").Bytes;
        seeds.Add(("huge-dimensions.png", PngWithSize(png, 60_000, 60_000)));
        seeds.Add(("huge-dimensions.jpg", JpegWithSize(jpeg, 65_000, 65_000)));
        seeds.Add(("huge-header.jpg", JpegWithComment(jpeg, 16_000)));
        // Broken files kept with the photos (a truncated JPEG) go in as they are.
        seeds.AddRange(Directory.GetFiles(photos, "bad-*").Order(StringComparer.Ordinal).Select(p => (Path.GetFileName(p), File.ReadAllBytes(p))));
        foreach (var (name, bytes) in seeds)
        {
            File.WriteAllBytes(Path.Combine(output, name), bytes);
        }
        Console.WriteLine($"{seeds.Count} seeds, {seeds.Sum(s => s.Bytes.Length)} bytes, in {output}");
        return 0;
    }

    private static Image Small(string path)
    {
        using var image = Image.NewFromFile(path, access: Enums.Access.Sequential);
        using var flat = image.HasAlpha() ? image.Flatten() : image.Copy();
        using var srgb = flat.Bands == 1 ? flat.Colourspace(Enums.Interpretation.Srgb) : flat.Copy();
        return srgb.ThumbnailImage(Side, height: Side).CopyMemory();
    }

    /// <summary>The PNG with its IHDR's width and height replaced (and the chunk's CRC redone): a header that claims a huge image.</summary>
    private static byte[] PngWithSize(byte[] png, int width, int height)
    {
        var bytes = (byte[])png.Clone();
        // Signature (8) + IHDR length (4) + "IHDR" (4): width and height follow, then 5 bytes, then the CRC of type + data.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), VectorImageSearch.Tests.Shared.PngCrc.Compute(bytes.AsSpan(12, 17)));
        return bytes;
    }

    /// <summary>The JPEG with its frame header's (SOFn) height and width replaced.</summary>
    private static byte[] JpegWithSize(byte[] jpeg, int width, int height)
    {
        var bytes = (byte[])jpeg.Clone();
        for (var i = 2; i + 9 < bytes.Length;)
        {
            var marker = bytes[i + 1];
            var length = (bytes[i + 2] << 8) | bytes[i + 3];
            if (marker is >= 0xC0 and <= 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)width);
                return bytes;
            }
            i += 2 + length;
        }
        throw new InvalidOperationException("seeds: the JPEG has no frame header.");
    }

    /// <summary>The JPEG with comment segments (COM) of <paramref name="total"/> bytes in all after its start marker.</summary>
    private static byte[] JpegWithComment(byte[] jpeg, int total)
    {
        using var result = new MemoryStream();
        result.Write(jpeg, 0, 2);
        for (var left = total; left > 0; left -= 60_000)
        {
            var size = Math.Min(left, 60_000);
            result.Write([0xFF, 0xFE, (byte)((size + 2) >> 8), (byte)(size + 2)]);
            result.Write(Enumerable.Repeat((byte)'x', size).ToArray());
        }
        result.Write(jpeg, 2, jpeg.Length - 2);
        return result.ToArray();
    }
}
