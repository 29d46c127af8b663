using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Benchmarks.Columns;
using VectorImageSearch.Benchmarks.Corpus;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// End-to-end indexing through the facade: <c>services.AddImageSearch(o =&gt; { o.UseClip(...); o.BatchSize = 16; })</c> and
/// <see cref="IImageSearch.IndexDirectoryAsync"/> over a folder of real-size JPEGs (1600 × 1200 to 4000 × 3000, see
/// <see cref="JpegCorpus"/>; generated once into a cache folder outside the repository), with the demo CLIP. One operation
/// indexes the whole folder into a fresh in-memory index; the Images/s column is the throughput. The model is loaded and
/// warmed before each measured run. The number of images is 1,000 unless <c>VIS_BENCH_IMAGES</c> says otherwise.
/// Run: <c>dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*IndexingBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class IndexingBenchmarks
{
    private string _folder = string.Empty;
    private ServiceProvider? _provider;
    private IImageSearch? _search;

    /// <summary>Images in the folder.</summary>
    [ParamsSource(nameof(ImageCounts))]
    public int Images { get; set; }

    /// <summary>Images per model run.</summary>
    [Params(16)]
    public int BatchSize { get; set; }

    /// <summary>The image counts: <c>VIS_BENCH_IMAGES</c> (comma-separated) or 1,000.</summary>
    public static IEnumerable<int> ImageCounts() =>
        (Environment.GetEnvironmentVariable("VIS_BENCH_IMAGES") ?? "1000").Split(',').Select(int.Parse);

    /// <summary>Makes (or finds) the JPEG folder.</summary>
    [GlobalSetup]
    public void Setup() => _folder = JpegCorpus.Ensure(Images, Console.WriteLine);

    /// <summary>A fresh engine (empty index) with the model loaded and warmed.</summary>
    [IterationSetup]
    public void CreateEngine()
    {
        var services = new ServiceCollection();
        services.AddImageSearch(o =>
        {
            o.UseClip(RepoPaths.ClipTinyShapes);
            o.BatchSize = BatchSize;
        });
        _provider = services.BuildServiceProvider();
        _search = _provider.GetRequiredService<IImageSearch>();
        _ = _search.SearchAsync(ImageInput.FromFile(Path.Combine(_folder, JpegCorpus.FileName(0))), k: 1).GetAwaiter().GetResult();
    }

    /// <summary>Disposes the engine.</summary>
    [IterationCleanup]
    public void DisposeEngine() => _provider?.Dispose();

    /// <summary>Index every JPEG of the folder.</summary>
    [Benchmark]
    public long IndexDirectory()
    {
        var report = _search!.IndexDirectoryAsync(_folder).GetAwaiter().GetResult();
        if (report.Encoded != Images)
        {
            throw new InvalidOperationException($"Indexed {report.Encoded} of {Images} images; {report.Failures.Count} failed.");
        }
        return report.Encoded;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // One operation takes seconds: a few single-invocation iterations are enough.
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new PerSecondColumn("Images/s", nameof(Images)));
        }
    }
}
