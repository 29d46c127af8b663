using System.Globalization;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Benchmarks.Corpus;

/// <summary>
/// A folder of real-size JPEGs (1600 × 1200 up to 4000 × 3000, landscape and portrait, some with an EXIF rotation) made
/// from the fixture photos and the rendered shapes: a random crop of a source, turned and mirrored, resized with the
/// bicubic filter to the target size, given a fine sensor-like grain (so the files are as large and as costly to decode
/// as camera photos, 2–5 MB at 12 MP) and saved by libvips at quality 90. Generated once into a cache folder outside the
/// repository (<c>VIS_BENCH_CACHE</c>, else <c>$XDG_CACHE_HOME/vectorimagesearch/bench</c>, else
/// <c>~/.cache/vectorimagesearch/bench</c>) and reused; deterministic for a given count.
/// </summary>
internal static class JpegCorpus
{
    private const string Version = "v1";
    private const int ShapeSources = 60;

    private static readonly (int Width, int Height)[] Sizes =
    [
        (4000, 3000), (4000, 3000), (4032, 3024), (3264, 2448), (3000, 2000), (2592, 1944), (2048, 1536), (1600, 1200),
        (3000, 4000), (2448, 3264), (1200, 1600), (3840, 2160),
    ];

    /// <summary>The cache folder the corpora live under.</summary>
    public static string CacheRoot
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("VIS_BENCH_CACHE");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseFolder = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseFolder, "vectorimagesearch", "bench");
        }
    }

    /// <summary>Returns the folder holding <paramref name="count"/> JPEGs, generating what is missing.</summary>
    /// <param name="count">How many images.</param>
    /// <param name="log">Receives progress lines, or null.</param>
    public static string Ensure(int count, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var folder = Path.Combine(CacheRoot, $"jpegs-{count}-{Version}");
        var marker = Path.Combine(folder, ".complete");
        if (File.Exists(marker))
        {
            return folder;
        }
        Directory.CreateDirectory(folder);
        var sources = LoadSources();
        var done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var file = Path.Combine(folder, FileName(i));
            if (!File.Exists(file))
            {
                var (bytes, orientation) = Render(i, sources);
                var temp = file + ".tmp";
                File.WriteAllBytes(temp, Encode(bytes, orientation));
                File.Move(temp, file, overwrite: true);
            }
            var n = Interlocked.Increment(ref done);
            if (n % 100 == 0)
            {
                log?.Invoke($"corpus: {n}/{count} JPEGs in {clock.Elapsed.TotalSeconds:F0} s ({folder})");
            }
        });
        File.WriteAllText(marker, count.ToString(CultureInfo.InvariantCulture));
        return folder;
    }

    /// <summary>The file name of image <paramref name="index"/>.</summary>
    public static string FileName(int index) => $"photo-{index:D5}.jpg";

    private static byte[] Encode(RgbImage image, int orientation) => VipsEncoder.Encode(image, ".jpg[Q=90]", orientation: orientation);

    private static RgbImage[] LoadSources()
    {
        var photos = new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png" }
            .Select(name => ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, name))));
        var shapes = Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images"), "*.png").Order(StringComparer.Ordinal).Take(ShapeSources)
            .Select(file => ImagePipeline.Decode(ImageInput.FromFile(file)));
        return [.. photos, .. shapes];
    }

    /// <summary>The size image <paramref name="index"/> is shown at and its EXIF orientation (0: none, 6: stored sideways).</summary>
    public static (int Width, int Height, int Orientation) Describe(int index)
    {
        var (_, width, height, orientation, _) = Plan(index, sourceCount: 5 + ShapeSources);
        return (width, height, orientation);
    }

    // The first draws of image index's random sequence: which source, the displayed size, the EXIF orientation.
    private static (int Source, int Width, int Height, int Orientation, Random Random) Plan(int index, int sourceCount)
    {
        var random = new Random(1_000_003 * (index + 1));
        // Three in four images come from the five photos, the rest from the shapes.
        var source = random.Next(4) < 3 ? random.Next(5) : 5 + random.Next(sourceCount - 5);
        var (width, height) = Sizes[random.Next(Sizes.Length)];
        // One image in ten is stored sideways with EXIF orientation 6 (as phones do).
        var orientation = random.Next(10) == 0 ? 6 : 0;
        return (source, width, height, orientation, random);
    }

    // Returns the stored pixels and the EXIF orientation to record.
    private static (RgbImage Image, int Orientation) Render(int index, RgbImage[] sources)
    {
        var (sourceIndex, width, height, orientation, random) = Plan(index, sources.Length);
        var source = sources[sourceIndex];
        var (storedWidth, storedHeight) = orientation == 6 ? (height, width) : (width, height);

        // A random crop holding 55–100 % of each side, then a turn by a multiple of 90° and maybe a mirror.
        var cropW = Math.Max(16, (int)(source.Width * (0.55 + (0.45 * random.NextDouble()))));
        var cropH = Math.Max(16, (int)(source.Height * (0.55 + (0.45 * random.NextDouble()))));
        var cropX = random.Next(source.Width - cropW + 1);
        var cropY = random.Next(source.Height - cropH + 1);
        var tile = Transform(source, cropX, cropY, cropW, cropH, random.Next(4), random.Next(2) == 1);
        var resized = VipsEncoder.Resize(tile, storedWidth, storedHeight);
        AddGrain(resized.Pixels, random.Next(3, 9), random.Next());
        return (resized, orientation);
    }

    private static RgbImage Transform(RgbImage source, int x0, int y0, int w, int h, int quarterTurns, bool mirror)
    {
        var (outW, outH) = quarterTurns % 2 == 0 ? (w, h) : (h, w);
        var pixels = new byte[outW * outH * 3];
        for (var y = 0; y < outH; y++)
        {
            for (var x = 0; x < outW; x++)
            {
                var mx = mirror ? outW - 1 - x : x;
                var (sx, sy) = quarterTurns switch
                {
                    0 => (mx, y),
                    1 => (y, h - 1 - mx),
                    2 => (w - 1 - mx, h - 1 - y),
                    _ => (w - 1 - y, mx),
                };
                var from = (((y0 + sy) * source.Width) + x0 + sx) * 3;
                var to = ((y * outW) + x) * 3;
                pixels[to] = source.Pixels[from];
                pixels[to + 1] = source.Pixels[from + 1];
                pixels[to + 2] = source.Pixels[from + 2];
            }
        }
        return new RgbImage(outW, outH, pixels);
    }

    // Adds uniform noise in [-amplitude, amplitude] to every byte (xorshift; saturating).
    private static void AddGrain(byte[] pixels, int amplitude, int seed)
    {
        var state = (uint)seed | 1u;
        var span = 2 * amplitude + 1;
        for (var i = 0; i < pixels.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var value = pixels[i] + (int)(state % (uint)span) - amplitude;
            pixels[i] = (byte)Math.Clamp(value, 0, 255);
        }
    }
}
