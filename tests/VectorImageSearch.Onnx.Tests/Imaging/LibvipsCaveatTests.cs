using NetVips;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>
/// The measured caveats of NetVips / libvips, each handled by the pipeline: its operation cache (stale pixels of a file
/// rewritten in place), lenient loading of truncated files, its process-wide error buffer, and formats it has no loader for.
/// </summary>
[Collection(nameof(LibvipsCaveatTests))] // turns libvips' cache on for a while: runs alone
[CollectionDefinition(nameof(LibvipsCaveatTests), DisableParallelization = true)]
public sealed class LibvipsCaveatTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Lazy<RgbImage> Chelsea = new(() => ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "chelsea.png"))));

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(".jpg[Q=95]", "photo.jpg", 0)]
    [InlineData(".jpg[Q=95]", "turned.jpg", 6)] // EXIF-rotated: decoded with random access, which libvips' cache keeps
    [InlineData(".png", "photo.png", 0)]
    public void File_rewritten_in_place_decodes_to_its_new_pixels(string suffix, string name, int orientation)
    {
        var first = Chelsea.Value;
        var second = first with { Pixels = first.Pixels.Select(b => (byte)(255 - b)).ToArray() }; // same size, other pixels
        var path = _temp.File(name, VipsEncoder.Encode(first, suffix, orientation: orientation));

        // Even with libvips' operation cache on (a host application may turn it back on), the pipeline reads the file again.
        var (max, maxMem, maxFiles) = (Cache.Max, Cache.MaxMem, Cache.MaxFiles);
        (Cache.Max, Cache.MaxMem, Cache.MaxFiles) = (100, 100 * 1024 * 1024, 100); // libvips' defaults
        try
        {
            var before = ImagePipeline.Decode(ImageInput.FromFile(path));
            double Plain()
            {
                using var plain = Image.NewFromFile(path); // libvips alone: a load by file name, kept by its cache
                return plain.Avg();
            }
            var stale = Plain();
            File.WriteAllBytes(path, VipsEncoder.Encode(second, suffix, orientation: orientation));
            // The caveat is real in this setting: libvips alone still returns the old file's pixels.
            Assert.Equal(stale, Plain());

            var after = ImagePipeline.Decode(ImageInput.FromFile(path));
            var toSecond = PixelDifference.Between(after, ImagePipeline.Decode(ImageInput.FromBytes(File.ReadAllBytes(path), name)));
            output.WriteLine($"{name}: after the rewrite vs the new file's bytes {toSecond}; before vs after {PixelDifference.Between(before, after)}");
            Assert.Equal(0, toSecond.Max);
            Assert.True(PixelDifference.Between(before, after).Mean > 30);
        }
        finally
        {
            (Cache.Max, Cache.MaxMem, Cache.MaxFiles) = (max, maxMem, maxFiles);
        }
    }

    [Theory]
    [InlineData(".png", "cut.png", "corrupt or truncated (PNG)", true)]
    [InlineData(".gif", "cut.gif", "corrupt or truncated (GIF)", true)]
    [InlineData(".jpg[Q=95]", "cut.jpg", "corrupt or truncated (JPEG)", true)]
    [InlineData(".webp", "cut.webp", "corrupt or truncated (WEBP)", false)]
    // libvips writes a TIFF's directory at its end: cut in half, nothing says it is a TIFF any more.
    [InlineData(".tif", "cut.tif", "not an image in a supported format", false)]
    public void Truncated_files_of_every_format_fail(string suffix, string name, string problem, bool libvipsAloneLoadsIt)
    {
        var whole = VipsEncoder.Encode(Chelsea.Value, suffix);
        var input = ImageInput.FromBytes(whole.AsMemory(0, whole.Length / 2), name);
        var error = Assert.Throws<ImageDecodeException>(() => ImagePipeline.LoadRgb(input, PreprocessRecipe.Clip224));
        output.WriteLine(error.Message);
        Assert.Equal(name, error.InputName);
        Assert.Contains(problem, error.Problem);

        if (!libvipsAloneLoadsIt)
        {
            return;
        }

        // libvips alone (fail-on none) loads the cut PNG, GIF and JPEG, filling in the missing part.
        var lenient = ImagePipeline.Decode(input, new ImageDecodeOptions { Strictness = DecodeStrictness.Lenient });
        Assert.Equal((Chelsea.Value.Width, Chelsea.Value.Height), (lenient.Width, lenient.Height));
    }

    [Fact]
    public void Concurrent_failures_each_report_their_own_message()
    {
        // Different damage in different formats: each decode's libvips message is different.
        var rocket = File.ReadAllBytes(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg"));
        var png = File.ReadAllBytes(Path.Combine(RepoPaths.PreprocessFixture, "chelsea.png"));
        var scrambled = (byte[])png.Clone();
        for (var i = scrambled.Length / 2; i < (scrambled.Length / 2) + 64; i++)
        {
            scrambled[i] ^= 0x5A;
        }
        var webp = VipsEncoder.Encode(Chelsea.Value, ".webp");
        var gif = VipsEncoder.Encode(Chelsea.Value, ".gif");
        var good = ImageInput.FromBytes(rocket, "good.jpg");
        var bad = new[]
        {
            ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "bad-truncated.jpg")),
            ImageInput.FromBytes(rocket.AsMemory(0, rocket.Length * 6 / 10), "rocket-cut.jpg"),
            ImageInput.FromBytes(scrambled, "scrambled.png"),
            ImageInput.FromBytes(png.AsMemory(0, png.Length / 3), "chelsea-cut.png"),
            ImageInput.FromBytes(webp.AsMemory(0, webp.Length / 2), "cut.webp"),
            ImageInput.FromBytes(gif.AsMemory(0, gif.Length / 2), "cut.gif"),
        };
        string Message(ImageInput input) =>
            Assert.Throws<ImageDecodeException>(() => ImagePipeline.Decode(input)).Message;
        var expected = bad.Select(Message).ToArray();
        foreach (var message in expected)
        {
            output.WriteLine(message);
        }
        Assert.True(expected.Distinct().Count() >= 4, "the bad files should fail with different messages");

        const int rounds = 12;
        var jobs = (bad.Length + 1) * rounds;
        var actual = new string?[jobs];
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var which = k % (bad.Length + 1);
            if (which == bad.Length)
            {
                Assert.Equal(640, ImagePipeline.Decode(good).Width); // successes between the failures
                return;
            }
            actual[k] = Message(bad[which]);
        });
        for (var k = 0; k < jobs; k++)
        {
            var which = k % (bad.Length + 1);
            if (which < bad.Length)
            {
                Assert.Equal(expected[which], actual[k]);
            }
        }
    }

    [Fact]
    public void Bmp_is_refused_naming_the_format()
    {
        // A 1×1 24-bit BMP: libvips has no BMP loader.
        byte[] bmp = [(byte)'B', (byte)'M', 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0];
        var fromBytes = Assert.Throws<ImageDecodeException>(() => ImagePipeline.Decode(ImageInput.FromBytes(bmp, "scan.bmp")));
        Assert.Equal("scan.bmp", fromBytes.InputName);
        Assert.Contains("not an image in a supported format (supported: JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF)", fromBytes.Problem);
        Assert.Contains("it is BMP", fromBytes.Problem);

        var fromFile = Assert.Throws<ImageDecodeException>(() => ImagePipeline.Decode(ImageInput.FromFile(_temp.File("scan.bmp", bmp))));
        Assert.Equal(fromBytes.Problem, fromFile.Problem);
    }

    [Fact]
    public void Formats_libvips_loads_but_the_pipeline_refuses_are_named()
    {
        const string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><circle cx=\"32\" cy=\"32\" r=\"20\" fill=\"red\"/></svg>";
        var error = Assert.Throws<ImageDecodeException>(() => ImagePipeline.Decode(ImageInput.FromBytes(System.Text.Encoding.UTF8.GetBytes(svg), "drawing.svg")));
        Assert.Contains("it is SVG", error.Problem);
    }
}
