using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Onnx;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

/// <summary>The ONNX Runtime settings of <see cref="ImageSearchOptions"/> bind from configuration and reach the encoders.</summary>
public sealed class OnnxRuntimeSettingsTests
{
    [Fact]
    public void The_configuration_keys_bind_including_the_earlier_cuda_device_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ExecutionProvider"] = "TensorRT",
            ["ImageSearch:CudaDeviceId"] = "2",
            ["ImageSearch:ExecutionProviderFallbackToCpu"] = "true",
            ["ImageSearch:ModelVariant"] = "Quantized",
        }).Build();
        var options = configuration.GetSection("ImageSearch").Get<ImageSearchOptions>()!;
        Assert.Equal(OnnxExecutionProvider.TensorRT, options.ExecutionProvider);
        Assert.Equal(2, options.DeviceId);
        Assert.True(options.ExecutionProviderFallbackToCpu);
        Assert.Equal(OnnxModelVariant.Quantized, options.ModelVariant);
    }

    [Fact]
    public async Task Cuda_with_the_cpu_fallback_searches_on_the_cpu()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes,
            ["ImageSearch:ExecutionProvider"] = "Cuda",
            ["ImageSearch:ExecutionProviderFallbackToCpu"] = "true",
            ["ImageSearch:Index"] = "Flat",
        }).Build();
        using var folder = new EndToEnd.TempFolder();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Shapes, "images")).Order().Take(3))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }
        var services = new ServiceCollection();
        services.AddImageSearch(configuration.GetSection("ImageSearch"));
        await using var provider = services.BuildServiceProvider();
        var search = provider.GetRequiredService<IImageSearch>();
        var report = await search.IndexDirectoryAsync(folder.Path);
        Assert.Equal(3, report.Encoded);
        Assert.Single(await search.SearchAsync("a red circle", k: 1));
    }

    [Fact]
    public void A_model_variant_the_folder_lacks_fails_naming_it()
    {
        var services = new ServiceCollection();
        services.AddImageSearch(options =>
        {
            options.UseClip(RepoPaths.ClipTinyShapes);
            options.ModelVariant = OnnxModelVariant.Fp16;
        });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<ModelLoadException>(() => provider.GetRequiredService<IImageSearch>());
        Assert.Contains("text_model_fp16.onnx", error.Message);
    }
}
