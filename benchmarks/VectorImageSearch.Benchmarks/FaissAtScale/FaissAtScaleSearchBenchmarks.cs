using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using VectorImageSearch.Benchmarks.Columns;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.Benchmarks.FaissAtScale;

/// <summary>
/// FAISS search per index kind at the sizes of <see cref="FaissAtScaleBuildBenchmarks"/>, on the index it cached (built
/// here when missing): 1,000 queries in one call, and one query per call on one thread. Also reports the memory per
/// vector: the saved file ÷ N, and the growth of resident memory while the index is loaded ÷ N (measured in a process
/// that has not held an index before: freed native memory would be reused and hide the growth).
/// </summary>
[Config(typeof(Config))]
public class FaissAtScaleSearchBenchmarks : FaissAtScaleParameters
{
    private const int K = 10;
    private const int SingleCount = 200;

    private FaissAtScaleCase _case = null!;
    private float[] _distances = null!;
    private long[] _ids = null!;
    private FaissIndex? _index;

    /// <summary>Loads (or builds) the index and records its memory per vector.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _case = FaissAtScaleCase.Create(Size, Kind);
        _distances = new float[FaissAtScaleCase.QueryCount * K];
        _ids = new long[FaissAtScaleCase.QueryCount * K];
        if (!File.Exists(_case.CachedIndexPath))
        {
            // Memory freed here is reused by the load below, so the RSS column reads low when this process built the
            // index; run the build benchmarks first (one --filter '*FaissAtScale*' run does) for a true figure.
            using var built = _case.Build();
            _case.Cache(built);
        }
        GC.Collect();
        var before = FaissAtScaleCase.ResidentBytes();
        _index = FaissIndex.Load(_case.CachedIndexPath);
        var after = FaissAtScaleCase.ResidentBytes();
        SideFileColumn.Write(SideFileColumn.CaseKey([(nameof(Size), Size), (nameof(Kind), Kind)]), new Dictionary<string, double>
        {
            ["file"] = new FileInfo(_case.CachedIndexPath).Length / (double)_case.Count,
            ["rss"] = (after - before) / (double)_case.Count,
        });
    }

    /// <summary>Frees the index.</summary>
    [GlobalCleanup]
    public void Cleanup() => _index?.Dispose();

    /// <summary>1,000 queries in one call (FAISS parallelises over queries); time per query.</summary>
    [Benchmark(OperationsPerInvoke = FaissAtScaleCase.QueryCount)]
    public long SearchBatched()
    {
        _index!.Search(_case.Queries, K, _distances, _ids);
        return _ids[0];
    }

    /// <summary>One query per call, one thread (the setting for many concurrent single searches); time per query.</summary>
    [Benchmark(OperationsPerInvoke = SingleCount)]
    public long SearchSingle()
    {
        var d = _case.Dimension;
        _index!.Threads = 1;
        long last = 0;
        for (var q = 0; q < SingleCount; q++)
        {
            _index.Search(_case.Queries.AsSpan(q * d, d), K, _distances.AsSpan(0, K), _ids.AsSpan(0, K));
            last = _ids[0];
        }
        _index.Threads = 0;
        return last;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // A search pass takes milliseconds to a minute (Flat at 1M): few single-invocation iterations.
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new SideFileColumn("Bytes/vector (file)", "file"), new SideFileColumn("Bytes/vector (RSS)", "rss"));
        }
    }
}
