using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Tests.EndToEnd;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

public sealed class AddImageSearchTests
{
    [Fact]
    public async Task Options_bind_from_a_configuration_section_and_the_engine_uses_them()
    {
        using var temp = new TempFolder();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes,
            ["ImageSearch:IndexSpec"] = "HNSW16",
            ["ImageSearch:IndexPath"] = temp.Combine("index"),
            ["ImageSearch:BatchSize"] = "4",
            ["ImageSearch:Extensions:0"] = ".png",
        }).Build();
        var services = new ServiceCollection();
        services.AddImageSearch(configuration.GetSection("ImageSearch"));
        using var provider = services.BuildServiceProvider();

        var engine = (ImageSearchEngine)provider.GetRequiredService<IImageSearch>();
        Assert.Same(engine, provider.GetRequiredService<ImageSearchEngine>());
        Assert.Equal(64, provider.GetRequiredService<ITextEncoder>().Dimension);
        Assert.Equal(64, provider.GetRequiredService<IImageEncoder>().Dimension);

        var folder = temp.Combine("images");
        Directory.CreateDirectory(folder);
        foreach (var label in ShapeLabel.All.Take(6))
        {
            File.Copy(label.Path, Path.Combine(folder, Path.GetFileName(label.Path)));
        }
        var report = await engine.IndexDirectoryAsync(folder);
        Assert.Equal(6, report.Encoded);
        Assert.Equal("HNSW16", engine.IndexDescription);
        await engine.SaveAsync();
        Assert.True(File.Exists(temp.Combine("index", "manifest.json")));
    }

    [Fact]
    public void Missing_model_configuration_fails_with_what_to_set()
    {
        var services = new ServiceCollection();
        services.AddImageSearch(_ => { });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageSearch>());
        Assert.Contains("UseClip", error.Message);
    }

    [Fact]
    public void A_model_folder_without_its_vision_model_fails_naming_the_folder()
    {
        using var temp = new TempFolder();
        var folder = temp.Combine("clip");
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        foreach (var file in Directory.GetFiles(RepoPaths.ClipTinyShapes))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, "onnx", "text_model.onnx"), Path.Combine(folder, "onnx", "text_model.onnx"));
        var services = new ServiceCollection();
        services.AddImageSearch(o => o.UseClip(folder));
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<ModelLoadException>(() => provider.GetRequiredService<IImageSearch>());
        Assert.Contains(folder, error.Message);
    }
}
