using NetVips;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>
/// The near-duplicate edits of docs/models.md, made with libvips (NetVips): each takes a decoded photo and returns the
/// encoded bytes of the edited copy (PNG, except the JPEG edit). Shared by the tests and benchmarks/NearDuplicateMeasurements.
/// </summary>
internal static class PhotoEdits
{
    /// <summary>The edit kinds, in the order of the table.</summary>
    public static IReadOnlyList<(string Name, string Description, Func<Image, byte[]> Apply)> All { get; } =
    [
        ("crop", "off-centre crop keeping 70 % of width and height (from 10 %, 20 %)", Crop),
        ("downscale+jpeg", "downscaled to 25 % (Lanczos) and saved as JPEG quality 20", DownscaleJpeg),
        ("brightness+contrast", "contrast × 1.3 around 128, brightness + 25, clipped to 0–255", BrightnessContrast),
        ("mirror", "flipped left to right", Mirror),
        ("rotate", "rotated 7° (bilinear), centre 85 % kept so no corner is blank", Rotate),
    ];

    /// <summary>Decodes a photo to 8-bit, alpha dropped, ready for the edits.</summary>
    public static Image Load(byte[] bytes)
    {
        var image = Image.NewFromBuffer(bytes, access: Enums.Access.Random);
        if (image.Format != Enums.BandFormat.Uchar)
        {
            image = image.Colourspace(image.Bands >= 3 ? Enums.Interpretation.Srgb : Enums.Interpretation.Bw).Cast(Enums.BandFormat.Uchar);
        }
        if (image.HasAlpha())
        {
            image = image.Flatten();
        }
        return image;
    }

    private static byte[] Png(Image image) => image.WriteToBuffer(".png");

    private static byte[] Crop(Image image) =>
        Png(image.Crop(image.Width / 10, image.Height / 5, image.Width * 7 / 10, image.Height * 7 / 10));

    private static byte[] DownscaleJpeg(Image image) => image.Resize(0.25).WriteToBuffer(".jpg[Q=20]");

    private static byte[] BrightnessContrast(Image image) =>
        Png(image.Linear([1.3], [(128 * (1 - 1.3)) + 25]).Cast(Enums.BandFormat.Uchar));

    private static byte[] Mirror(Image image) => Png(image.FlipHor());

    private static byte[] Rotate(Image image)
    {
        var rotated = image.Rotate(7.0, interpolate: Interpolate.NewFromName("bilinear"));
        int width = image.Width * 85 / 100, height = image.Height * 85 / 100;
        return Png(rotated.Crop((rotated.Width - width) / 2, (rotated.Height - height) / 2, width, height));
    }
}
