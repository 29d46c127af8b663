using VectorImageSearch.Onnx.Imaging;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>JPEG shrink-on-load (the default) against a full decode on 4000 × 3000 JPEGs: within the parity tolerance.</summary>
public sealed class ShrinkOnLoadTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "upscaled", "clip224" },
        { "upscaled", "resnet224" },
        { "mosaic", "clip224" },
        { "mosaic", "resnet224" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Default_shrink_on_load_stays_within_tolerance_of_a_full_decode(string image, string recipeName)
    {
        var bytes = image == "upscaled" ? LargeImages.Upscaled : LargeImages.DetailedMosaic;
        var recipe = recipeName == "clip224" ? PreprocessRecipe.Clip224 : PreprocessRecipe.ResNet224;
        var input = ImageInput.FromBytes(bytes, $"{image}-4000x3000.jpg");

        var shrunk = ImagePipeline.LoadRgb(input, recipe);
        var full = ImagePipeline.LoadRgb(input, recipe, new ImageDecodeOptions { ShrinkOnLoad = false });
        var difference = PixelDifference.Between(shrunk, full);

        // Faster, less faithful: a margin of 1 lets libjpeg shrink by 8.
        var aggressive = ImagePipeline.LoadRgb(input, recipe, new ImageDecodeOptions { ShrinkOnLoadMargin = 1.0 });
        var aggressiveDifference = PixelDifference.Between(aggressive, full);
        output.WriteLine($"{image} {recipeName}: default (margin 2) vs full decode {difference}; margin 1 vs full decode {aggressiveDifference}");

        Assert.True(difference.Mean <= 1.0, difference.ToString());
        Assert.True(difference.P99 <= 4, difference.ToString());
    }

    [Theory]
    [InlineData(224, 2.0, 4)]   // CLIP: 3000 / 4 = 750 ≥ 448 > 375
    [InlineData(256, 2.0, 4)]   // ResNet: 750 ≥ 512
    [InlineData(224, 1.0, 8)]   // 375 ≥ 224
    [InlineData(1600, 2.0, 1)]  // 3000 < 3200: no shrink
    public void Shrink_factor_keeps_the_short_edge_at_least_margin_times_the_target(int target, double margin, int expected)
    {
        var options = new ImageDecodeOptions { ShrinkOnLoadMargin = margin };
        using var decoded = VipsDecoder.Decode(ImageInput.FromBytes(LargeImages.Upscaled), options, (int)Math.Ceiling(target * margin));
        Assert.Equal(expected, decoded.Shrink);
        Assert.Equal((4000, 3000), (decoded.SourceWidth, decoded.SourceHeight));
        Assert.Equal(((4000 + expected - 1) / expected, (3000 + expected - 1) / expected), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Exif_rotated_jpeg_is_shrunk_and_turned()
    {
        // Stored 1200 × 900 with orientation 8 (turn 90° anticlockwise to display): displayed 900 × 1200.
        var rocket = ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(VectorImageSearch.Tests.Shared.RepoPaths.PreprocessFixture, "rocket.jpg")));
        var jpeg = VipsEncoder.Encode(VipsEncoder.Resize(rocket, 1200, 900), ".jpg[Q=92]", orientation: 8);
        var input = ImageInput.FromBytes(jpeg, "rotated-1200x900.jpg");

        using (var decoded = VipsDecoder.Decode(input, ImageDecodeOptions.Default, 448))
        {
            Assert.Equal(2, decoded.Shrink);
            Assert.Equal((900, 1200), (decoded.SourceWidth, decoded.SourceHeight));
            Assert.Equal((450, 600), (decoded.Width, decoded.Height));
        }

        var shrunk = ImagePipeline.LoadRgb(input, PreprocessRecipe.Clip224);
        var full = ImagePipeline.LoadRgb(input, PreprocessRecipe.Clip224, new ImageDecodeOptions { ShrinkOnLoad = false });
        var difference = PixelDifference.Between(shrunk, full);
        output.WriteLine($"rotated 1200x900 clip224: shrink 2 vs full decode {difference}");
        Assert.True(difference.Mean <= 1.0 && difference.P99 <= 4, difference.ToString());
    }

    [Fact]
    public void Png_is_never_shrunk()
    {
        var png = VipsEncoder.Encode(VipsEncoder.Resize(new RgbImage(2, 2, [0, 0, 0, 255, 255, 255, 10, 20, 30, 200, 100, 50]), 1200, 1000), ".png");
        using var decoded = VipsDecoder.Decode(ImageInput.FromBytes(png), ImageDecodeOptions.Default, 448);
        Assert.Equal(1, decoded.Shrink);
        Assert.Equal((1200, 1000), (decoded.Width, decoded.Height));
    }
}
