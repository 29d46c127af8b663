using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using VectorImageSearch.Benchmarks.Columns;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// FAISS build (train + add) and search per index kind at collection sizes users run: 100,000 × 512 by default,
/// <c>VIS_BENCH_FAISS_SIZES=100000x512,1000000x512</c> for more (the 1M build takes many minutes per kind and needs
/// about 2 GB per copy of the vectors). Vectors are the clustered unit vectors of the FAISS tests
/// (<see cref="ClusteredVectors"/>). Besides time, the search cases report the bytes the index holds per vector: its
/// serialised size and the growth of the process's resident memory while it was built. <see cref="FaissBenchmarks"/>
/// (20,000 × 128) is the quick, CI-sized variant.
/// Run: <c>dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*FaissAtScale*'</c>.
/// </summary>
[Config(typeof(Config))]
public class FaissAtScaleBenchmarks
{
    private const int K = 10;
    private const int QueryCount = 1000;
    private const int SingleCount = 200;

    private float[] _data = null!;
    private float[] _queries = null!;
    private float[] _distances = null!;
    private long[] _ids = null!;
    private FaissIndex? _index;

    /// <summary>"count x dimension".</summary>
    [ParamsSource(nameof(Sizes))]
    public string Size { get; set; } = "100000x512";

    /// <summary>The index kind (IndexSpec presets: IVF cell count and PQ size chosen from the collection size).</summary>
    [Params("flat", "ivfflat", "ivfpq", "ivfpqr", "hnsw")]
    public string Kind { get; set; } = "flat";

    /// <summary>The sizes: <c>VIS_BENCH_FAISS_SIZES</c> (comma-separated) or 100000x512.</summary>
    public static IEnumerable<string> Sizes() => (Environment.GetEnvironmentVariable("VIS_BENCH_FAISS_SIZES") ?? "100000x512").Split(',');

    private int Count => int.Parse(Size.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);

    private int Dimension => int.Parse(Size.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Generates the vectors (build case).</summary>
    [GlobalSetup(Target = nameof(Build))]
    public void SetupBuild() => (_data, _queries) = ClusteredVectors.GenerateWithQueries(Count, QueryCount, Dimension, seed: 42);

    /// <summary>Generates the vectors, builds the index once and records its memory per vector (search cases).</summary>
    [GlobalSetup(Targets = [nameof(SearchBatched), nameof(SearchSingle)])]
    public void SetupSearch()
    {
        SetupBuild();
        _distances = new float[QueryCount * K];
        _ids = new long[QueryCount * K];
        GC.Collect();
        var before = ResidentBytes();
        _index = BuildIndex();
        var after = ResidentBytes();
        var file = Path.Combine(Path.GetTempPath(), $"vis-bench-{Environment.ProcessId}-{Kind}.faiss");
        _index.Save(file);
        var fileBytes = new FileInfo(file).Length;
        File.Delete(file);
        SideFileColumn.Write(SideFileColumn.CaseKey([(nameof(Size), Size), (nameof(Kind), Kind)]), new Dictionary<string, double>
        {
            ["file"] = fileBytes / (double)Count,
            ["rss"] = (after - before) / (double)Count,
        });
    }

    /// <summary>Frees the index.</summary>
    [GlobalCleanup]
    public void Cleanup() => _index?.Dispose();

    /// <summary>Train on the recommended sample and add every vector.</summary>
    [Benchmark]
    public long Build()
    {
        using var index = BuildIndex();
        return index.Count;
    }

    /// <summary>1,000 queries in one call (FAISS parallelises over queries); time per query.</summary>
    [Benchmark(OperationsPerInvoke = QueryCount)]
    public long SearchBatched()
    {
        _index!.Search(_queries, K, _distances, _ids);
        return _ids[0];
    }

    /// <summary>One query per call, one thread (the setting for many concurrent single searches); time per query.</summary>
    [Benchmark(OperationsPerInvoke = SingleCount)]
    public long SearchSingle()
    {
        var d = Dimension;
        _index!.Threads = 1;
        long last = 0;
        for (var q = 0; q < SingleCount; q++)
        {
            _index.Search(_queries.AsSpan(q * d, d), K, _distances.AsSpan(0, K), _ids.AsSpan(0, K));
            last = _ids[0];
        }
        _index.Threads = 0;
        return last;
    }

    private FaissIndex BuildIndex()
    {
        var spec = Kind switch
        {
            "flat" => IndexSpec.Flat(),
            "ivfflat" => IndexSpec.IvfFlat(),
            "ivfpq" => IndexSpec.IvfPq(),
            "ivfpqr" => IndexSpec.IvfPq(refine: 4),
            "hnsw" => IndexSpec.Hnsw(),
            _ => IndexSpec.Factory(Kind),
        };
        var index = FaissIndex.Create(Dimension, spec, VectorMetric.InnerProduct, Count);
        var training = index.RecommendedTrainingCount(Count);
        if (training > 0)
        {
            index.Train(_data, (int)training, seed: 7);
        }
        index.Add(_data);
        return index;
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // A build takes seconds to minutes and a search pass up to a second: few single-invocation iterations.
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(new SideFileColumn("Bytes/vector (file)", "file"), new SideFileColumn("Bytes/vector (RSS)", "rss"));
        }
    }
}
