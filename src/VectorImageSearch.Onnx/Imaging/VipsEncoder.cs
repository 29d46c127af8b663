using NetVips;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>How <see cref="VipsEncoder"/> stores pixels.</summary>
internal enum VipsEncodeKind
{
    /// <summary>8-bit, the bands as given (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA).</summary>
    Uchar = 0,

    /// <summary>16-bit: each 8-bit value v stored as v × 257.</summary>
    Ushort = 1,

    /// <summary>CMYK: RGB pixels converted with libvips' CMYK profile (3 bands in).</summary>
    Cmyk = 2,
}

/// <summary>Encodes raw pixels to an image file with libvips: test images and benchmark inputs of every kind the decoder meets.</summary>
internal static class VipsEncoder
{
    /// <summary>
    /// Encodes <paramref name="pixels"/> (<paramref name="width"/> × <paramref name="height"/> × <paramref name="bands"/> bytes)
    /// with the libvips saver of <paramref name="suffix"/> (".jpg[Q=95]", ".png", ".png[palette]", ".webp", ".gif", ".tif").
    /// </summary>
    /// <param name="pixels">The pixels, interleaved.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="bands">Bands per pixel, 1 to 4.</param>
    /// <param name="suffix">The file suffix that picks the saver, with optional saver options in brackets.</param>
    /// <param name="kind">How the pixels are stored.</param>
    /// <param name="orientation">An EXIF orientation (1–8) to record, or 0 for none.</param>
    public static byte[] Encode(
        ReadOnlySpan<byte> pixels, int width, int height, int bands, string suffix,
        VipsEncodeKind kind = VipsEncodeKind.Uchar, int orientation = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bands, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels.Length, width * height * bands, nameof(pixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(orientation, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(orientation, 8);
        if (kind == VipsEncodeKind.Cmyk && bands != 3)
        {
            throw new ArgumentException("CMYK encoding takes 3-band RGB pixels.", nameof(bands));
        }
        Libvips.EnsureInitialized();
        try
        {
            using var raw = Image.NewFromMemoryCopy(pixels[..(width * height * bands)], width, height, bands, Enums.BandFormat.Uchar);
            using var tagged = raw.Copy(interpretation: bands <= 2 ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb);
            using var stored = kind switch
            {
                VipsEncodeKind.Ushort => Deep(tagged, bands),
                VipsEncodeKind.Cmyk => tagged.Colourspace(Enums.Interpretation.Cmyk),
                _ => tagged.Copy(),
            };
            using var final = orientation > 0 ? stored.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation)) : stored.Copy();
            return final.WriteToBuffer(suffix);
        }
        catch (VipsException exception)
        {
            throw new InvalidOperationException($"libvips could not encode a {width}x{height}x{bands} image as {suffix}: {Libvips.Message(exception)}", exception);
        }
    }

    private static Image Deep(Image image, int bands)
    {
        using var scaled = image.Linear(new[] { 257.0 }, new[] { 0.0 });
        using var deep = scaled.Cast(Enums.BandFormat.Ushort);
        return deep.Copy(interpretation: bands <= 2 ? Enums.Interpretation.Grey16 : Enums.Interpretation.Rgb16);
    }

    /// <summary>Encodes an <see cref="RgbImage"/>.</summary>
    public static byte[] Encode(RgbImage image, string suffix, VipsEncodeKind kind = VipsEncodeKind.Uchar, int orientation = 0) =>
        Encode(image.Pixels, image.Width, image.Height, 3, suffix, kind, orientation);

    /// <summary>Resizes <paramref name="image"/> to <paramref name="width"/> × <paramref name="height"/> with PIL's bicubic filter.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        PilResampler.ResizeCrop(image.Pixels, image.Width, image.Height, image.Width, image.Height, width, height, 0, 0, width, height, ResampleFilter.Bicubic, pixels);
        return new RgbImage(width, height, pixels);
    }
}
