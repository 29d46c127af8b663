using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Reading Hugging Face <c>preprocessor_config.json</c> files.</summary>
public sealed class PreprocessRecipeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder(string json)
    {
        var folder = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, PreprocessRecipe.ConfigFileName), json);
        return folder;
    }

    [Fact]
    public void Clip_config_reads_as_the_clip_preset()
    {
        const string json = """
        {
          "image_processor_type": "CLIPImageProcessor", "feature_extractor_type": "CLIPFeatureExtractor",
          "do_convert_rgb": true, "do_resize": true, "size": { "shortest_edge": 224 }, "resample": 3,
          "do_center_crop": true, "crop_size": { "height": 224, "width": 224 },
          "do_rescale": true, "rescale_factor": 0.00392156862745098, "do_normalize": true,
          "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]
        }
        """;
        var recipe = PreprocessRecipe.FromFolder(Folder(json));
        AssertSame(PreprocessRecipe.Clip224, recipe);
        Assert.Equal("CLIPImageProcessor", recipe.ProcessorType);
    }

    [Fact]
    public void Torchvision_config_reads_as_the_resnet_preset()
    {
        const string json = """
        {
          "image_processor_type": "TorchvisionImageNetRecipe", "do_convert_rgb": true, "do_resize": true,
          "size": { "shortest_edge": 256 }, "resample": 2, "do_center_crop": true,
          "crop_size": { "height": 224, "width": 224 }, "do_rescale": true, "rescale_factor": 0.00392156862745098,
          "do_normalize": true, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]
        }
        """;
        AssertSame(PreprocessRecipe.ResNet224, PreprocessRecipe.FromFolder(Folder(json)));
    }

    [Fact]
    public void Old_style_and_exact_size_configs_are_understood()
    {
        var old = PreprocessRecipe.FromFolder(Folder("""{ "size": 224, "crop_size": 224, "do_center_crop": true, "resample": 3 }"""));
        Assert.Equal((224, 224, 224), (old.ShortestEdge, old.CropWidth, old.CropHeight));

        var exact = PreprocessRecipe.FromFolder(Folder("""
            { "image_processor_type": "ViTImageProcessor", "size": { "height": 384, "width": 384 }, "resample": 2,
              "do_center_crop": false, "do_rescale": true, "rescale_factor": 0.00392156862745098,
              "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5] }
            """));
        Assert.Equal((0, 384, 384, 0), (exact.ShortestEdge, exact.ResizeWidth, exact.ResizeHeight, exact.CropWidth));
        Assert.Equal((384, 384, 3 * 384 * 384), (exact.OutputWidth, exact.OutputHeight, exact.TensorLength));
        Assert.Equal(ResampleFilter.Bilinear, exact.Resample);
        Assert.Equal([0.5f, 0.5f, 0.5f], exact.Std);

        var raw = PreprocessRecipe.FromFolder(Folder("""{ "size": { "height": 32, "width": 48 }, "do_rescale": false, "do_normalize": false }"""));
        Assert.Equal(1f, raw.RescaleFactor);
        Assert.Equal([0f, 0f, 0f], raw.Mean);
        Assert.Equal([1f, 1f, 1f], raw.Std);
    }

    [Fact]
    public void Exact_size_recipe_without_crop_preprocesses_the_whole_image()
    {
        var recipe = PreprocessRecipe.FromFolder(Folder("""{ "size": { "height": 32, "width": 48 }, "do_rescale": false, "do_normalize": false }"""));
        var input = ImageInput.FromFile(Path.Combine(VectorImageSearch.Tests.Shared.RepoPaths.PreprocessFixture, "chelsea.png"));
        var rgb = ImagePipeline.LoadRgb(input, recipe);
        Assert.Equal((48, 32), (rgb.Width, rgb.Height));
        var tensor = new float[recipe.TensorLength];
        ImagePipeline.Preprocess(input, recipe, tensor);
        // No rescale, no normalisation: the tensor holds the bytes, channel-planar.
        Assert.Equal(rgb.Pixels[0], tensor[0]);
        Assert.Equal(rgb.Pixels[1], tensor[48 * 32]);
        Assert.Equal(rgb.Pixels[2], tensor[2 * 48 * 32]);
        Assert.Equal(rgb.Pixels[(47 * 3) + 1], tensor[(48 * 32) + 47]);
    }

    [Fact]
    public void Missing_file_names_it()
    {
        var folder = Path.Combine(_temp.Path, "no-model");
        Directory.CreateDirectory(folder);
        var error = Assert.Throws<ModelLoadException>(() => PreprocessRecipe.FromFolder(folder));
        Assert.Contains(Path.Combine(folder, PreprocessRecipe.ConfigFileName), error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Theory]
    [InlineData("{ not json", "cannot be used")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("""{ "do_resize": true }""", "'size' is missing")]
    [InlineData("""{ "size": { "shortest_edge": 224 }, "crop_size": 224, "resample": 1 }""", "resample 1 is not supported")]
    [InlineData("""{ "size": { "shortest_edge": 224 }, "do_center_crop": false }""", "variable input size")]
    [InlineData("""{ "size": { "shortest_edge": 200 }, "crop_size": 224 }""", "larger than the shortest edge")]
    [InlineData("""{ "size": { "height": 224, "width": 224 }, "image_std": [0.5, 0, 0.5] }""", "image_std")]
    [InlineData("""{ "size": { "height": 224, "width": 224 }, "image_mean": [0.5, 0.5] }""", "three values")]
    [InlineData("""{ "size": "big" }""", "'size' is neither")]
    public void Bad_config_fails_naming_the_file_and_the_problem(string json, string problem)
    {
        var folder = Folder(json);
        var error = Assert.Throws<ModelLoadException>(() => PreprocessRecipe.FromFolder(folder));
        Assert.Contains(Path.Combine(folder, PreprocessRecipe.ConfigFileName), error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Crop_offset_rounding_differs_between_the_presets()
    {
        // 451 × 300 → CLIP 336 × 224: x offset floor(112 / 2) = 56. ResNet 384 × 256: round(160 / 2) = 80, round(32 / 2) = 16.
        // 600 × 400 → ResNet 384 × 256 too. A width giving an odd excess shows the rule: 347 × 256 → excess 123 → 61.5:
        // floor 61, half-to-even 62.
        var pixels = new byte[347 * 256 * 3];
        for (var i = 0; i < 347 * 256; i++)
        {
            pixels[i * 3] = (byte)(i % 347); // red = column (mod 256)
        }
        var image = new RgbImage(347, 256, pixels);
        var png = ImageInput.FromBytes(VipsEncoder.Encode(image, ".png"), "ramp.png");
        var noResize = PreprocessRecipe.ResNet224 with { ShortestEdge = 256 };
        var even = ImagePipeline.LoadRgb(png, noResize);
        var floor = ImagePipeline.LoadRgb(png, noResize with { CropRounding = CropOffsetRounding.Floor });
        // Red counts columns: the half-to-even crop starts one column further right. No resize happens (256 is the short edge).
        Assert.Equal(image[62, 16].R, even[0, 0].R);
        Assert.Equal(image[61, 16].R, floor[0, 0].R);
        Assert.NotEqual(even[0, 0].R, floor[0, 0].R);
    }

    private static void AssertSame(PreprocessRecipe expected, PreprocessRecipe actual)
    {
        Assert.Equal(expected.ShortestEdge, actual.ShortestEdge);
        Assert.Equal(expected.Resample, actual.Resample);
        Assert.Equal((expected.CropWidth, expected.CropHeight), (actual.CropWidth, actual.CropHeight));
        Assert.Equal(expected.CropRounding, actual.CropRounding);
        Assert.Equal(expected.RescaleFactor, actual.RescaleFactor, 1e-9f);
        Assert.Equal(expected.Mean, actual.Mean);
        Assert.Equal(expected.Std, actual.Std);
        Assert.Equal(expected.TensorLength, actual.TensorLength);
    }
}
