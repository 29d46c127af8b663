using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>4000 × 3000 test photos made from the fixtures, built once per test run.</summary>
internal static class LargeImages
{
    public const int Width = 4000;
    public const int Height = 3000;

    private static readonly Lazy<byte[]> UpscaledValue = new(() =>
    {
        var rocket = ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg")));
        return VipsEncoder.Encode(VipsEncoder.Resize(rocket, Width, Height), ".jpg[Q=90]");
    });

    private static readonly Lazy<byte[]> MosaicValue = new(() => VipsEncoder.Encode(Mosaic(), ".jpg[Q=90]"));

    /// <summary>rocket.jpg upscaled to 4000 × 3000 with PIL bicubic: smooth, like a soft high-resolution photo.</summary>
    public static byte[] Upscaled => UpscaledValue.Value;

    /// <summary>The fixture photos tiled at their own scale over 4000 × 3000: full-resolution detail everywhere.</summary>
    public static byte[] DetailedMosaic => MosaicValue.Value;

    private static RgbImage Mosaic()
    {
        var tiles = new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png" }
            .Select(name => ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, name))))
            .ToArray();
        var pixels = new byte[Width * Height * 3];
        var index = 0;
        for (var top = 0; top < Height; top += 427)
        {
            for (var left = 0; left < Width; left += 451)
            {
                var tile = tiles[index++ % tiles.Length];
                var rows = Math.Min(tile.Height, Height - top);
                var columns = Math.Min(tile.Width, Width - left);
                for (var y = 0; y < rows; y++)
                {
                    tile.Pixels.AsSpan(y * tile.Width * 3, columns * 3).CopyTo(pixels.AsSpan((((top + y) * Width) + left) * 3));
                }
            }
        }
        return new RgbImage(Width, Height, pixels);
    }
}
