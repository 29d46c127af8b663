using System.Text.Json;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Parity with PIL 9.4's reference crops and tensors (tests/fixtures/preprocess).</summary>
public sealed class PreprocessParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var image in new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png" })
        {
            data.Add(image, "clip224");
            data.Add(image, "resnet224");
        }
        return data;
    }

    private static PreprocessRecipe Recipe(string name) => name == "clip224" ? PreprocessRecipe.Clip224 : PreprocessRecipe.ResNet224;

    private static string Fixture(string name) => Path.Combine(RepoPaths.PreprocessFixture, name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rgb_crop_matches_pil_within_tolerance(string image, string recipe)
    {
        var expected = ImagePipeline.Decode(ImageInput.FromFile(Fixture($"{Path.GetFileNameWithoutExtension(image)}.{recipe}.png")));
        var actual = ImagePipeline.LoadRgb(ImageInput.FromFile(Fixture(image)), Recipe(recipe));

        var difference = PixelDifference.Between(actual, expected);
        output.WriteLine($"{image} {recipe}: {difference}");
        Assert.True(difference.Mean <= 1.0, $"{image} {recipe}: {difference}");
        Assert.True(difference.P99 <= 4, $"{image} {recipe}: {difference}");
        // Stronger than the tolerance: the resampler reproduces PIL's fixed-point arithmetic, so every value matches.
        Assert.Equal(0, difference.Max);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Opt_in_libvips_resize_stays_close_to_pil(string image, string recipe)
    {
        var expected = ImagePipeline.Decode(ImageInput.FromFile(Fixture($"{Path.GetFileNameWithoutExtension(image)}.{recipe}.png")));
        var options = new ImageDecodeOptions { ResizeEngine = ResizeEngine.Libvips };
        var actual = ImagePipeline.LoadRgb(ImageInput.FromFile(Fixture(image)), Recipe(recipe), options);

        var difference = PixelDifference.Between(actual, expected);
        output.WriteLine($"{image} {recipe} (libvips reduce): {difference}");
        // Not bit-exact, but on these photos within the same tolerance as the default.
        Assert.True(difference.Mean <= 1.0, $"{image} {recipe}: {difference}");
        Assert.True(difference.P99 <= 4, $"{image} {recipe}: {difference}");
        // The default resampler is bit-exact to PIL (Rgb_crop_matches_pil_within_tolerance): a difference proves the
        // option took libvips' path.
        Assert.True(difference.Max > 0, $"{image} {recipe}: identical to PIL, so ResizeEngine.Libvips was not used");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Normalised_tensor_matches_the_manifest(string image, string recipe)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Fixture("manifest.json")));
        var entry = manifest.RootElement.GetProperty("images").EnumerateArray().Single(e => e.GetProperty("image").GetString() == image).GetProperty(recipe);
        var expectedFirst8 = entry.GetProperty("chw_first8").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expectedSum = entry.GetProperty("chw_sum").GetDouble();
        var expectedAbsSum = entry.GetProperty("chw_abs_sum").GetDouble();

        var tensor = new float[Recipe(recipe).TensorLength];
        ImagePipeline.Preprocess(ImageInput.FromBytes(File.ReadAllBytes(Fixture(image)), image), Recipe(recipe), tensor);

        var sum = tensor.Sum(v => (double)v);
        var absSum = tensor.Sum(v => Math.Abs((double)v));
        output.WriteLine($"{image} {recipe}: sum {sum:F3} (expected {expectedSum:F3}), abs sum {absSum:F3} (expected {expectedAbsSum:F3}), first8 {string.Join(", ", tensor.Take(8).Select(v => v.ToString("F5")))}");
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(expectedFirst8[i], tensor[i], 1e-5f);
        }
        // The pixels match exactly; what is left is float32 rounding summed over 150,528 values (one level is ~0.015).
        Assert.Equal(expectedSum, sum, 0.05);
        Assert.Equal(expectedAbsSum, absSum, 0.05);
    }
}
