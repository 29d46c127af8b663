using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace VectorImageSearch.Benchmarks.FaissAtScale;

/// <summary>
/// FAISS build (train + add) per index kind at the collection sizes users run: 100,000 × 512 by default,
/// <c>VIS_BENCH_FAISS_SIZES=100000x512,1000000x512</c> for more. One build per case (a build takes seconds to half an
/// hour: HNSW at 1M × 512 took 26 minutes on 2 cores), timed once; the built index is kept in the benchmark cache for
/// <see cref="FaissAtScaleSearchBenchmarks"/>. Run:
/// <c>dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*FaissAtScale*'</c>.
/// </summary>
[Config(typeof(Config))]
public class FaissAtScaleBuildBenchmarks : FaissAtScaleParameters
{
    private FaissAtScaleCase _case = null!;
    private Faiss.FaissIndex? _last;

    /// <summary>Generates the vectors.</summary>
    [GlobalSetup]
    public void Setup() => _case = FaissAtScaleCase.Create(Size, Kind);

    /// <summary>Caches the last built index for the search benchmarks and frees it.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is not null)
        {
            _case.Cache(_last);
            _last.Dispose();
        }
    }

    /// <summary>Train on the recommended sample and add every vector.</summary>
    [Benchmark]
    public long Build()
    {
        _last?.Dispose();
        _last = _case.Build();
        return _last.Count;
    }

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1));
    }
}
