using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Tests.EndToEnd;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.Indexing;

/// <summary>
/// Models as users meet them: a real ResNet18 exported with a fixed batch of 1 indexes a folder of photos at a
/// batch size of 16, and a model that cannot run at all stops the run with one error instead of one per file.
/// </summary>
public sealed class RealModelIndexingTests
{
    private static readonly string[] Photos = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    [Fact]
    public async Task A_fixed_batch_resnet18_from_nuget_indexes_a_folder_of_photos_without_failures()
    {
        var model = typeof(RealModelIndexingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ResNet18Onnx").Value!;
        Assert.True(File.Exists(model), $"{model} should have been downloaded by restore (PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1)");
        using var folder = new TempFolder();
        var photos = folder.Combine("photos");
        Directory.CreateDirectory(photos);
        foreach (var photo in Photos)
        {
            File.Copy(Path.Combine(RepoPaths.PreprocessFixture, photo), Path.Combine(photos, photo));
        }
        var services = new ServiceCollection();
        services.AddImageSearch(options =>
        {
            options.UseImageEncoder(model, ImageEncoderPreset.MlNetResNet);
            options.UseFaiss("Flat");
            options.BatchSize = 16;
        });
        await using var provider = services.BuildServiceProvider();
        var search = provider.GetRequiredService<IImageSearch>();

        var report = await search.IndexDirectoryAsync(photos);

        Assert.Empty(report.Failures);
        Assert.Equal(Photos.Length, report.Encoded);
        var hits = await search.SearchAsync(ImageInput.FromFile(Path.Combine(photos, "chelsea.png")), k: 2);
        Assert.EndsWith("chelsea.png", hits[0].Key);
        Assert.True(hits[0].Score > hits[1].Score, $"the photo itself should score above {hits[1].Key}");
    }

    [Fact]
    public async Task The_facade_preset_name_MlNetResNet_gives_the_encoder_the_ml_net_recipe()
    {
        var model = typeof(RealModelIndexingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ResNet18Onnx").Value!;
        var services = new ServiceCollection();
        services.AddImageSearch(options => options.UseImageEncoder(model, ImageEncoderPreset.MlNetResNet));
        await using var provider = services.BuildServiceProvider();
        using var direct = new VectorImageSearch.Onnx.OnnxImageEncoder(model, VectorImageSearch.Onnx.ImageEncoderPreset.MlNetResNet);
        var photo = ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, "coffee.png"));

        var viaFacade = await provider.GetRequiredService<IImageEncoder>().EncodeAsync(photo);
        var expected = await direct.EncodeAsync(photo);

        Assert.Equal(expected.Length, viaFacade.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - viaFacade[i]) <= 1e-6f, $"value {i}: {viaFacade[i]} vs the MlNetResNet preset's {expected[i]}");
        }
    }

    [Fact]
    public async Task A_model_that_cannot_run_stops_the_run_with_one_error()
    {
        // Loads fine ([N, 3, 224, 224] → [N, 1]), but gathers channel 7 of 3, which fails for every batch at run time.
        using var folder = new TempFolder();
        var model = new OnnxModelBuilder()
            .Input("pixel_values", TensorElementType.Float, "batch", 3L, 224L, 224L)
            .Initializer("channel", [7L], 1)
            .Node("Gather", ["pixel_values", "channel"], ["picked"], ("axis", 1L))
            .Node("GlobalAveragePool", ["picked"], ["pooled"])
            .Node("Flatten", ["pooled"], ["features"], ("axis", 1L))
            .Output("features", TensorElementType.Float, "batch", 1L)
            .WriteTo(folder.Path, "broken/model.onnx");
        var photos = folder.Combine("photos");
        Directory.CreateDirectory(photos);
        foreach (var photo in Photos)
        {
            File.Copy(Path.Combine(RepoPaths.PreprocessFixture, photo), Path.Combine(photos, photo));
        }
        var services = new ServiceCollection();
        services.AddImageSearch(options =>
        {
            options.UseImageEncoder(Path.GetDirectoryName(model)!, ImageEncoderPreset.ResNet50);
            options.UseFaiss("Flat");
            options.BatchSize = 2;
        });
        await using var provider = services.BuildServiceProvider();
        var search = provider.GetRequiredService<IImageSearch>();

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => search.IndexDirectoryAsync(photos));

        Assert.Contains("first batch of 2 images", error.Message);
        Assert.Contains("Gather", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }
}
