using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>libvips smoke test, and every colour layout and container the decoder meets, made with libvips' savers.</summary>
public sealed class FormatTests(ITestOutputHelper output)
{
    private static readonly Lazy<RgbImage> Chelsea = new(() => ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "chelsea.png"))));

    [Theory]
    [InlineData("rocket.jpg", 640, 427)]
    [InlineData("astronaut.png", 512, 512)]
    [InlineData("chelsea.png", 451, 300)]
    [InlineData("camera.png", 512, 512)]
    public void Libvips_decodes_fixtures_to_their_size(string name, int width, int height)
    {
        var image = ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, name)));
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal(width * height * 3, image.Pixels.Length);
        Assert.Contains(image.Pixels, b => b != image.Pixels[0]); // not blank
    }

    [Theory]
    [InlineData("photo[shrink=8].jpg")]
    [InlineData("фото с пробелом.jpg")]
    public void File_names_are_taken_literally(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vis-imaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, name);
            File.Copy(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg"), path);
            var image = ImagePipeline.Decode(ImageInput.FromFile(path));
            Assert.Equal((640, 427), (image.Width, image.Height)); // no libvips "[options]" parsing of the name
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Grey_png_becomes_three_equal_channels()
    {
        var camera = ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "camera.png")));
        for (var i = 0; i < camera.Pixels.Length; i += 3)
        {
            Assert.True(camera.Pixels[i] == camera.Pixels[i + 1] && camera.Pixels[i] == camera.Pixels[i + 2], $"pixel {i / 3}");
        }

        var grey = Channel(Chelsea.Value, 1);
        var png = VipsEncoder.Encode(grey, Chelsea.Value.Width, Chelsea.Value.Height, 1, ".png");
        Assert.Equal(0, png[25]); // PNG colour type 0: greyscale
        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(png, "grey.png"));
        Assert.Equal(grey, Channel(decoded, 0));
        Assert.Equal(grey, Channel(decoded, 2));
    }

    [Fact]
    public void Alpha_is_dropped_keeping_the_stored_colour_as_pil_convert_rgb_does()
    {
        var source = Chelsea.Value;
        var rgba = new byte[source.Width * source.Height * 4];
        for (var i = 0; i < source.Width * source.Height; i++)
        {
            source.Pixels.AsSpan(i * 3, 3).CopyTo(rgba.AsSpan(i * 4));
            rgba[(i * 4) + 3] = (byte)(i % 3 == 0 ? 0 : i % 256); // a third fully transparent, the rest partly
        }
        var png = VipsEncoder.Encode(rgba, source.Width, source.Height, 4, ".png");
        Assert.Equal(6, png[25]); // PNG colour type 6: RGBA
        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(png, "rgba.png"));
        Assert.Equal(source.Pixels, decoded.Pixels);

        // Grey + alpha likewise.
        var greyAlpha = new byte[source.Width * source.Height * 2];
        for (var i = 0; i < source.Width * source.Height; i++)
        {
            greyAlpha[i * 2] = source.Pixels[i * 3];
            greyAlpha[(i * 2) + 1] = (byte)(i % 7 * 30);
        }
        var la = ImagePipeline.Decode(ImageInput.FromBytes(VipsEncoder.Encode(greyAlpha, source.Width, source.Height, 2, ".png"), "la.png"));
        Assert.Equal(Channel(source, 0), Channel(la, 1));
    }

    [Fact]
    public void Palette_png_and_gif_decode_to_their_colours()
    {
        var posterised = Posterise(Chelsea.Value); // at most 64 colours: a palette holds them exactly
        var png = VipsEncoder.Encode(posterised, ".png[palette,dither=0]");
        Assert.Equal(3, png[25]); // PNG colour type 3: palette
        var fromPng = ImagePipeline.Decode(ImageInput.FromBytes(png, "palette.png"));
        var pngDifference = PixelDifference.Between(fromPng, posterised);
        var fromGif = ImagePipeline.Decode(ImageInput.FromBytes(VipsEncoder.Encode(posterised, ".gif[dither=0]"), "palette.gif"));
        var gifDifference = PixelDifference.Between(fromGif, posterised);
        output.WriteLine($"palette PNG: {pngDifference}; GIF: {gifDifference}");
        Assert.True(pngDifference.Mean < 0.5, pngDifference.ToString());
        Assert.True(gifDifference.Mean < 0.5, gifDifference.ToString());
    }

    [Fact]
    public void Sixteen_bit_png_keeps_the_high_byte()
    {
        var png = VipsEncoder.Encode(Chelsea.Value, ".png", VipsEncodeKind.Ushort);
        Assert.Equal(16, png[24]); // PNG bit depth
        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(png, "deep.png"));
        Assert.Equal(Chelsea.Value.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Cmyk_jpeg_becomes_srgb()
    {
        var jpeg = VipsEncoder.Encode(Chelsea.Value, ".jpg[Q=95]", VipsEncodeKind.Cmyk);
        Assert.Equal(4, JpegComponents(jpeg));
        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(jpeg, "cmyk.jpg"));
        var difference = PixelDifference.Between(decoded, Chelsea.Value);
        output.WriteLine($"CMYK JPEG round trip: {difference}");
        // Through libvips' CMYK profile and back: close to the original, nothing like raw CMYK bytes read as RGB.
        Assert.True(difference.Mean < 6, difference.ToString());
    }

    [Theory]
    [InlineData(".webp[lossless]")]
    [InlineData(".tif")]
    [InlineData(".png")]
    public void Lossless_containers_decode_exactly(string suffix)
    {
        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(VipsEncoder.Encode(Chelsea.Value, suffix), "image" + suffix));
        Assert.Equal(Chelsea.Value.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        var source = Chelsea.Value; // 451 × 300
        // Orientation 6: the stored image must be turned 90° clockwise to display. Store the display image turned back.
        var stored = RotateCounterClockwise(source);
        var jpeg = VipsEncoder.Encode(stored, ".jpg[Q=95]", orientation: 6);
        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(jpeg, "rotated.jpg"));
        Assert.Equal((451, 300), (decoded.Width, decoded.Height));
        var difference = PixelDifference.Between(decoded, source);
        output.WriteLine($"EXIF-rotated JPEG vs upright original: {difference}");
        Assert.True(difference.Mean < 3, difference.ToString());

        var crop = ImagePipeline.LoadRgb(ImageInput.FromBytes(jpeg, "rotated.jpg"), PreprocessRecipe.Clip224);
        var upright = ImagePipeline.LoadRgb(ImageInput.FromBytes(VipsEncoder.Encode(source, ".jpg[Q=95]"), "upright.jpg"), PreprocessRecipe.Clip224);
        Assert.True(PixelDifference.Between(crop, upright).Mean < 3);
    }

    private static byte[] Channel(RgbImage image, int channel)
    {
        var values = new byte[image.Width * image.Height];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = image.Pixels[(i * 3) + channel];
        }
        return values;
    }

    private static RgbImage Posterise(RgbImage image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((image.Pixels[i] & 0xC0) | 0x20);
        }
        return image with { Pixels = pixels };
    }

    private static RgbImage RotateCounterClockwise(RgbImage image)
    {
        // New width = old height; new(x', y') = old(W - 1 - y', x').
        var (w, h) = (image.Width, image.Height);
        var pixels = new byte[w * h * 3];
        for (var y = 0; y < w; y++)
        {
            for (var x = 0; x < h; x++)
            {
                image.Pixels.AsSpan((((x * w) + (w - 1 - y)) * 3), 3).CopyTo(pixels.AsSpan(((y * h) + x) * 3));
            }
        }
        return new RgbImage(h, w, pixels);
    }

    // Walks the JPEG's marker segments to its start-of-frame and reads the component count.
    private static int JpegComponents(byte[] jpeg)
    {
        var i = 2;
        while (i + 9 < jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return jpeg[i + 9];
            }
            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }
        return -1;
    }
}
