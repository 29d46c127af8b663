using System.Text;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Every bad input ends in an <see cref="ImageDecodeException"/> that names it and says what is wrong; none crashes.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ImageDecodeException Fails(ImageInput input)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImagePipeline.LoadRgb(input, PreprocessRecipe.Clip224));
        Assert.Equal(input.Name, error.InputName);
        Assert.Contains(input.Name, error.Message);
        // Preprocess fails the same way.
        var tensor = new float[PreprocessRecipe.Clip224.TensorLength];
        var again = Assert.Throws<ImageDecodeException>(() => ImagePipeline.Preprocess(input, PreprocessRecipe.Clip224, tensor));
        Assert.Equal(error.Problem, again.Problem);
        return error;
    }

    [Fact]
    public void Truncated_jpeg_fails_as_truncated()
    {
        var path = Path.Combine(RepoPaths.PreprocessFixture, "bad-truncated.jpg");
        var error = Fails(ImageInput.FromFile(path));
        Assert.Contains("corrupt or truncated", error.Problem);
        Assert.Contains("JPEG", error.Problem);
        Assert.Contains("bad-truncated.jpg", error.Message);

        var fromBytes = Fails(ImageInput.FromBytes(File.ReadAllBytes(path), "upload-17"));
        Assert.Contains("corrupt or truncated", fromBytes.Problem);
    }

    [Fact]
    public void Jpeg_cut_in_its_scan_data_fails_unless_asked_to_be_lenient()
    {
        var whole = File.ReadAllBytes(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg"));
        var input = ImageInput.FromBytes(whole.AsMemory(0, whole.Length * 6 / 10), "rocket-cut.jpg");

        var error = Fails(input);
        Assert.Contains("corrupt or truncated", error.Problem);

        // libvips' default (fail_on none) would quietly return a grey-padded image.
        var image = ImagePipeline.LoadRgb(input, PreprocessRecipe.Clip224, new ImageDecodeOptions { Strictness = DecodeStrictness.Lenient });
        Assert.Equal((224, 224), (image.Width, image.Height));
    }

    [Fact]
    public void Zero_byte_file_and_bytes_fail_as_empty()
    {
        var file = Fails(ImageInput.FromFile(_temp.File("empty.jpg", [])));
        Assert.Contains("is empty", file.Problem);
        var bytes = Fails(ImageInput.FromBytes(Array.Empty<byte>(), "nothing"));
        Assert.Contains("is empty", bytes.Problem);
    }

    [Fact]
    public void Text_file_named_jpg_fails_as_unknown_format()
    {
        var path = _temp.File("notes.jpg", Encoding.UTF8.GetBytes("These are my holiday notes, not a photo.\n"));
        var error = Fails(ImageInput.FromFile(path));
        Assert.Contains("not an image in a supported format", error.Problem);
    }

    [Fact]
    public void Png_claiming_30000_by_30000_is_refused_before_decoding()
    {
        var path = _temp.File("bomb.png", PngForge.ClaimingSize(30000, 30000));
        var error = Fails(ImageInput.FromFile(path));
        Assert.Contains("too large", error.Problem);
        Assert.Contains("30000x30000", error.Problem);
        Assert.Contains("900,000,000", error.Problem);
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var rocket = ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg"));
        var error = Assert.Throws<ImageDecodeException>(() =>
            ImagePipeline.LoadRgb(rocket, PreprocessRecipe.Clip224, new ImageDecodeOptions { MaxPixels = 640 * 427 - 1 }));
        Assert.Contains("640x427", error.Problem);
        Assert.Equal(224, ImagePipeline.LoadRgb(rocket, PreprocessRecipe.Clip224, new ImageDecodeOptions { MaxPixels = 640 * 427 }).Width);
    }

    [Fact]
    public void The_encoders_take_their_pixel_limit_from_their_options()
    {
        var rocket = ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg"));
        using var clipBelow = new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, MaxImagePixels = 640 * 427 - 1 });
        Assert.Contains("640x427", Assert.Throws<ImageDecodeException>(() => clipBelow.Encode(rocket)).Problem);
        using var clipAt = new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, MaxImagePixels = 640 * 427 });
        Assert.Equal(clipAt.Dimension, clipAt.Encode(rocket).Length);

        using var resNetBelow = new OnnxImageEncoder(new OnnxImageEncoderOptions { ModelPath = RepoPaths.ResNetTinyShapes, MaxImagePixels = 640 * 427 - 1 });
        Assert.Contains("640x427", Assert.Throws<ImageDecodeException>(() => resNetBelow.Encode(rocket)).Problem);

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, MaxImagePixels = 0 }));
        Assert.Equal("MaxImagePixels", bad.ParamName);
    }

    [Fact]
    public void Svg_is_refused()
    {
        const string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><circle cx=\"32\" cy=\"32\" r=\"20\" fill=\"red\"/></svg>";
        var error = Fails(ImageInput.FromBytes(Encoding.UTF8.GetBytes(svg), "drawing.svg"));
        Assert.Contains("not an image in a supported format", error.Problem);
    }

    [Fact]
    public void Netpbm_is_an_unsupported_format()
    {
        // A 2×2 binary PPM: libvips has a loader, but it is outside the trusted photo formats the pipeline opens.
        byte[] ppm = [.. Encoding.ASCII.GetBytes("P6\n2 2\n255\n"), 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
        var error = Fails(ImageInput.FromBytes(ppm, "tiny.ppm"));
        Assert.Contains("not an image in a supported format (supported: JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF)", error.Problem);
    }

    [Fact]
    public void Pdf_and_bmp_are_not_decoded()
    {
        var pdf = Fails(ImageInput.FromBytes(Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), "scan.pdf"));
        Assert.Contains("not an image in a supported format", pdf.Problem);

        // A 1×1 24-bit BMP: libvips has no BMP loader of its own.
        byte[] bmp = [(byte)'B', (byte)'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0];
        var error = Fails(ImageInput.FromBytes(bmp, "tiny.bmp"));
        Assert.Contains("not an image in a supported format", error.Problem);
    }

    [Fact]
    public void Missing_file_fails_with_its_name()
    {
        var error = Fails(ImageInput.FromFile(Path.Combine(_temp.Path, "gone.jpg")));
        Assert.Contains("does not exist", error.Problem);
    }

    [Fact]
    public void Corrupt_png_data_fails()
    {
        var good = File.ReadAllBytes(Path.Combine(RepoPaths.PreprocessFixture, "chelsea.png"));
        var bad = (byte[])good.Clone();
        // Scramble the middle of the compressed data: the zlib stream or a CRC breaks.
        for (var i = bad.Length / 2; i < (bad.Length / 2) + 64; i++)
        {
            bad[i] ^= 0x5A;
        }
        var error = Fails(ImageInput.FromBytes(bad, "scrambled.png"));
        Assert.Contains("corrupt or truncated", error.Problem);
    }

    [Fact]
    public void Pipeline_still_works_after_failures()
    {
        Fails(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "bad-truncated.jpg")));
        var image = ImagePipeline.LoadRgb(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg")), PreprocessRecipe.Clip224);
        Assert.Equal((224, 224), (image.Width, image.Height));
    }
}
