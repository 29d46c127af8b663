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
            ["ImageSearch:Index"] = "HNSW16",
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
        // A decodable image under an extension the default list has but the configured one does not.
        File.Copy(ShapeLabel.All[6].Path, Path.Combine(folder, "extra.jpg"));
        var report = await engine.IndexDirectoryAsync(folder);
        Assert.Equal(6, report.Encoded);
        Assert.Equal("HNSW16", engine.IndexDescription);
        await engine.SaveAsync();
        Assert.True(File.Exists(temp.Combine("index", "manifest.json")));
    }

    [Fact]
    public async Task Inference_threads_reach_the_models_and_indexing_still_works()
    {
        using var temp = new TempFolder();
        File.Copy(ShapeLabel.All[0].Path, temp.Combine("one.png"));
        // The hook sees ONNX Runtime's SessionOptions last, just before each session is created from them: the thread
        // count it reads is the one ONNX Runtime gets. Without the setting it stays at ONNX Runtime's default, 0.
        var seen = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var factory = new SearchFactory(o =>
        {
            o.InferenceThreads = 3;
            o.ConfigureSessionOptions = session => seen.Enqueue(session.IntraOpNumThreads);
        });

        var report = await factory.Search.IndexDirectoryAsync(temp.Path);
        var hits = await factory.Search.SearchAsync("a red circle", k: 1);

        Assert.Equal(1, report.Encoded);
        Assert.Single(hits);
        Assert.True(seen.Count >= 2, $"expected the image and the text session, saw {seen.Count} session(s)");
        Assert.All(seen, threads => Assert.Equal(3, threads));
    }

    [Fact]
    public void Negative_inference_threads_fail_naming_the_option()
    {
        var services = new ServiceCollection();
        services.AddImageSearch(o => { o.UseClip(RepoPaths.ClipTinyShapes); o.InferenceThreads = -1; });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageSearch>());
        Assert.Contains("InferenceThreads", error.Message);
    }

    [Fact]
    public void Cuda_bound_from_configuration_reaches_onnx_runtime_and_fails_clearly_without_its_provider()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes,
            ["ImageSearch:ExecutionProvider"] = "Cuda",
        }).Build();
        var services = new ServiceCollection();
        services.AddImageSearch(configuration.GetSection("ImageSearch"));
        using var provider = services.BuildServiceProvider();

        // The bundled ONNX Runtime is the CPU build: asking for CUDA must say what is missing, not fall back silently.
        var error = Assert.Throws<ModelLoadException>(() => provider.GetRequiredService<IImageSearch>());
        Assert.Contains("libonnxruntime_providers_cuda.so", error.Message);
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
