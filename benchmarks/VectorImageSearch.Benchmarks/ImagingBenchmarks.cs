using BenchmarkDotNet.Attributes;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// Decode + preprocess (libvips decode, PIL-exact resize, centre crop, normalisation into a caller tensor) of a 640-px
/// JPEG and of a 4000 × 3000 JPEG, with JPEG shrink-on-load (the default), with a full decode, and with the opt-in
/// libvips resize.
/// Run: <c>dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*Imaging*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ImagingBenchmarks
{
    private static readonly ImageDecodeOptions FullDecode = new() { ShrinkOnLoad = false };
    private static readonly ImageDecodeOptions LibvipsResize = new() { ResizeEngine = ResizeEngine.Libvips };

    private string _folder = string.Empty;
    private string _small = string.Empty;
    private string _large = string.Empty;
    private float[] _tensor = [];
    private PreprocessRecipe _recipe = PreprocessRecipe.Clip224;

    /// <summary>The recipe: CLIP (bicubic, shortest edge 224) or ResNet (bilinear, shortest edge 256).</summary>
    [Params("clip224", "resnet224")]
    public string Recipe { get; set; } = "clip224";

    /// <summary>Writes the two JPEGs into a temporary folder: rocket.jpg (640 × 427) and a 4000 × 3000 mosaic of the fixture photos at their own scale.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _recipe = Recipe == "clip224" ? PreprocessRecipe.Clip224 : PreprocessRecipe.ResNet224;
        _tensor = new float[_recipe.TensorLength];
        _folder = Path.Combine(Path.GetTempPath(), "vis-imaging-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _small = Path.Combine(_folder, "photo-640.jpg");
        File.Copy(Path.Combine(RepoPaths.PreprocessFixture, "rocket.jpg"), _small);
        _large = Path.Combine(_folder, "photo-4000x3000.jpg");
        File.WriteAllBytes(_large, VipsEncoder.Encode(Mosaic(4000, 3000), ".jpg[Q=90]"));
    }

    /// <summary>Deletes the temporary folder.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>640 × 427 JPEG file → tensor.</summary>
    [Benchmark(Baseline = true)]
    public void Jpeg640() => ImagePipeline.Preprocess(ImageInput.FromFile(_small), _recipe, _tensor);

    /// <summary>4000 × 3000 JPEG file → tensor, shrink-on-load (default).</summary>
    [Benchmark]
    public void Jpeg4000x3000() => ImagePipeline.Preprocess(ImageInput.FromFile(_large), _recipe, _tensor);

    /// <summary>4000 × 3000 JPEG file → tensor, full-resolution decode.</summary>
    [Benchmark]
    public void Jpeg4000x3000FullDecode() => ImagePipeline.Preprocess(ImageInput.FromFile(_large), _recipe, _tensor, FullDecode);

    /// <summary>640 × 427 JPEG file → tensor, resized by libvips' reduce (opt-in).</summary>
    [Benchmark]
    public void Jpeg640LibvipsResize() => ImagePipeline.Preprocess(ImageInput.FromFile(_small), _recipe, _tensor, LibvipsResize);

    /// <summary>4000 × 3000 JPEG file → tensor, shrink-on-load, resized by libvips' reduce (opt-in).</summary>
    [Benchmark]
    public void Jpeg4000x3000LibvipsResize() => ImagePipeline.Preprocess(ImageInput.FromFile(_large), _recipe, _tensor, LibvipsResize);

    private static RgbImage Mosaic(int width, int height)
    {
        var tiles = new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png" }
            .Select(name => ImagePipeline.Decode(ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, name))))
            .ToArray();
        var pixels = new byte[width * height * 3];
        var index = 0;
        for (var top = 0; top < height; top += 427)
        {
            for (var left = 0; left < width; left += 451)
            {
                var tile = tiles[index++ % tiles.Length];
                var rows = Math.Min(tile.Height, height - top);
                var columns = Math.Min(tile.Width, width - left);
                for (var y = 0; y < rows; y++)
                {
                    tile.Pixels.AsSpan(y * tile.Width * 3, columns * 3).CopyTo(pixels.AsSpan((((top + y) * width) + left) * 3));
                }
            }
        }
        return new RgbImage(width, height, pixels);
    }
}
