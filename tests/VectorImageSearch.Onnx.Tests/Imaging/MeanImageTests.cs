using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Reading a mean image out of an ONNX file, and the ML.NET recipe against ML.NET's own preprocessing graph.</summary>
public sealed class MeanImageTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_resnet_package_mean_image_is_a_224_square_in_bgr_order()
    {
        var meanImage = MeanImage.FromOnnxInitializer(MlNetResNet18Package.Preprocess);

        Assert.Equal((224, 224), (meanImage.Width, meanImage.Height));
        var means = meanImage.ChannelMeans;
        output.WriteLine($"{meanImage}: channel means {string.Join(", ", means)}");
        // ImageNet's mean in BGR order is about (104, 117, 123): blue lowest, red highest.
        Assert.InRange(means[0], 102f, 105f);
        Assert.InRange(means[1], 115f, 118f);
        Assert.InRange(means[2], 122f, 125f);
    }

    [Theory]
    [InlineData("astronaut.png")]
    [InlineData("chelsea.png")]
    [InlineData("rocket.jpg")]
    public void The_mlnet_recipe_equals_running_the_package_preprocessing_graph(string photo)
    {
        var recipe = PreprocessRecipe.MlNetImageNet224(MeanImage.FromOnnxInitializer(MlNetResNet18Package.Preprocess));
        var image = ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, photo));
        var ours = new float[recipe.TensorLength];
        ImagePipeline.Preprocess(image, recipe, ours);

        // The graph's input is what ML.NET's ExtractPixels gives it: RGB planes, 0–255.
        var rgb = new float[recipe.TensorLength];
        ImagePipeline.Preprocess(image, recipe with { ChannelOrder = ChannelOrder.Rgb, MeanImage = null }, rgb);
        using var session = new InferenceSession(MlNetResNet18Package.Preprocess);
        using var input = OrtValue.CreateTensorValueFromMemory(rgb, [1, 3, 224, 224]);
        using var results = session.Run(new RunOptions(), ["OriginalInput"], [input], ["PreprocessedInput"]);
        var graph = results[0].GetTensorDataAsSpan<float>();

        var largest = 0f;
        for (var i = 0; i < ours.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(ours[i] - graph[i]));
        }
        output.WriteLine($"{photo}: largest difference {largest}");
        Assert.Equal(0f, largest);
    }

    [Fact]
    public void A_raw_data_initializer_of_shape_3_h_w_is_read_in_chw_order()
    {
        var path = new OnnxModelBuilder()
            .Input("x", TensorElementType.Float, 1L, 3L, 1L, 2L)
            .Initializer("Means", [1f, 2f, 3f, 4f, 5f, 6f], 3, 1, 2)
            .Node("Sub", ["x", "Means"], ["y"])
            .Output("y", TensorElementType.Float, 1L, 3L, 1L, 2L)
            .WriteTo(_temp.Path, "means.onnx");

        var meanImage = MeanImage.FromOnnxInitializer(path, "Means");

        Assert.Equal((2, 1), (meanImage.Width, meanImage.Height));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], meanImage.Values.ToArray());
    }

    [Fact]
    public void Unusable_files_and_initializers_fail_with_the_file_and_the_problem()
    {
        var model = new OnnxModelBuilder()
            .Input("x", TensorElementType.Float, 1L, 3L, 1L, 2L)
            .Initializer("Flat", [1f, 2f, 3f, 4f, 5f, 6f], 6)
            .Initializer("Ints", [1L, 2L, 3L], 1, 3, 1, 1)
            .ExternalInitializer("Outside", [1f, 2f, 3f], "outside.bin", 1, 3, 1, 1)
            .Node("Sub", ["x", "Flat"], ["y"])
            .Output("y", TensorElementType.Float, 1L, 3L, 1L, 2L)
            .WriteTo(_temp.Path, "bad.onnx");
        var text = Path.Combine(_temp.Path, "text.onnx");
        File.WriteAllText(text, "this is not a protobuf message, just text");

        AssertFails(model, "Missing", "has no initializer named 'Missing'");
        AssertFails(model, "Flat", "has shape [6], not [1, 3, H, W]");
        AssertFails(model, "Ints", "data type 7, not float");
        AssertFails(model, "Outside", "external file");
        AssertFails(text, "MeanImage", "not a readable ONNX model");
        AssertFails(Path.Combine(_temp.Path, "absent.onnx"), "MeanImage", "does not exist");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(300_000)]
    [InlineData(600_000)]
    public void A_truncated_onnx_file_fails_cleanly(int keep)
    {
        var bytes = File.ReadAllBytes(MlNetResNet18Package.Preprocess);
        var path = Path.Combine(_temp.Path, $"truncated-{keep}.onnx");
        File.WriteAllBytes(path, bytes[..keep]); // 600,000 of 602,584 bytes: inside the mean image data

        var error = Assert.Throws<ModelLoadException>(() => MeanImage.FromOnnxInitializer(path));

        output.WriteLine(error.Message);
        Assert.Contains(path, error.Message);
    }

    private static void AssertFails(string path, string name, string problem)
    {
        var error = Assert.Throws<ModelLoadException>(() => MeanImage.FromOnnxInitializer(path, name));
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }
}
