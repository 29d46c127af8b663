using Microsoft.Extensions.DependencyInjection;
using NetVips;
using VectorImageSearch.Samples.Web.Services;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>The thumbnails libvips makes for the web page (<see cref="ThumbnailCache"/>): their shape, colours and limits.</summary>
[Collection(ApiCollection.Name)]
public sealed class ThumbnailTests(WebAppFixture app) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("thumbnail-tests-").FullName;

    private ThumbnailCache Cache => app.Factory.Services.GetRequiredService<ThumbnailCache>();

    [Fact]
    public async Task A_decompression_bomb_is_refused_by_its_header_and_makes_no_thumbnail()
    {
        var bomb = Write("bomb.png", TestImages.BombPng(30000, 30000));
        var before = Cache.Generated;

        var e = await Assert.ThrowsAsync<ImageDecodeException>(() => Cache.GetAsync(bomb, CancellationToken.None));

        Assert.Equal("bomb.png", e.InputName);
        Assert.Contains("30000 × 30000", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Cache.Generated);
    }

    [Fact]
    public async Task A_truncated_image_fails_naming_the_file()
    {
        var png = TestImages.NoisePng(256);
        var half = Write("half.png", png[..(png.Length / 2)]);

        var e = await Assert.ThrowsAsync<ImageDecodeException>(() => Cache.GetAsync(half, CancellationToken.None));

        Assert.Equal("half.png", e.InputName);
        Assert.Contains("cannot be made into a thumbnail", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wide_image_is_cropped_to_its_centre()
    {
        // 320 × 160: red quarters left and right, a green half in the middle. The shorter edge is already 160, so the
        // square thumbnail is the middle half: all green.
        var pixels = new byte[320 * 160 * 3];
        for (var y = 0; y < 160; y++)
        {
            for (var x = 0; x < 320; x++)
            {
                var green = x is >= 80 and < 240;
                pixels[((y * 320) + x) * 3] = green ? (byte)0 : (byte)255;
                pixels[((y * 320) + x) * 3 + 1] = green ? (byte)255 : (byte)0;
            }
        }
        using var wide = Image.NewFromMemory(pixels, 320, 160, 3, Enums.BandFormat.Uchar);
        var file = Write("wide.png", wide.PngsaveBuffer());

        using var thumbnail = Image.NewFromFile(await Cache.GetAsync(file, CancellationToken.None));

        Assert.Equal((160, 160, 3), (thumbnail.Width, thumbnail.Height, thumbnail.Bands));
        Assert.Equal([0, 255, 0], thumbnail.Getpoint(0, 80));
        Assert.Equal([0, 255, 0], thumbnail.Getpoint(159, 80));
    }

    [Fact]
    public async Task A_sixteen_bit_grey_image_with_alpha_becomes_eight_bit_rgb()
    {
        using var black = Image.Black(200, 200);
        using var level = black + 30000;
        using var opaque = black + 65535;
        using var grey = level.Cast(Enums.BandFormat.Ushort);
        using var alpha = opaque.Cast(Enums.BandFormat.Ushort);
        using var joined = grey.Bandjoin(alpha);
        using var greyAlpha = joined.Copy(interpretation: Enums.Interpretation.Grey16);
        var file = Write("grey16.png", greyAlpha.PngsaveBuffer());

        using var thumbnail = Image.NewFromFile(await Cache.GetAsync(file, CancellationToken.None));

        Assert.Equal((3, Enums.BandFormat.Uchar), (thumbnail.Bands, thumbnail.Format));
        var value = thumbnail.Getpoint(100, 100);
        Assert.All(value, v => Assert.InRange(v, 110, 125)); // 30000 / 257 ≈ 117
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private FileInfo Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return new FileInfo(path);
    }
}
