using VectorImageSearch.Onnx.Interop;

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
    public static unsafe byte[] Encode(
        ReadOnlySpan<byte> pixels, int width, int height, int bands, string suffix,
        VipsEncodeKind kind = VipsEncodeKind.Uchar, int orientation = 0)
    {
        VipsNative.EnsureInitialized();
        Span<byte> error = stackalloc byte[VipsNative.ErrorLength];
        fixed (byte* p = pixels)
        fixed (byte* e = error)
        {
            var status = VipsNative.Encode(p, (nuint)pixels.Length, width, height, bands, (int)kind, orientation, suffix,
                out var buffer, out var length, e, (nuint)error.Length);
            if (status != VipsStatus.Ok)
            {
                throw new InvalidOperationException($"libvips could not encode a {width}x{height}x{bands} image as {suffix}: {VipsNative.Text(error)}");
            }
            try
            {
                return new ReadOnlySpan<byte>((void*)buffer, checked((int)length)).ToArray();
            }
            finally
            {
                VipsNative.Free(buffer);
            }
        }
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
