using System.Globalization;
using VectorImageSearch.Benchmarks.Corpus;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Benchmarks.FaissAtScale;

/// <summary>
/// One collection size and index kind of the at-scale FAISS benchmarks: its vectors (the clustered unit vectors of the
/// FAISS tests, <see cref="ClusteredVectors"/>, seed 42), how the index is built, and where the built index is cached
/// so that the search benchmarks load it instead of building it again.
/// </summary>
internal sealed class FaissAtScaleCase
{
    /// <summary>Queries per batched search.</summary>
    public const int QueryCount = 1000;

    private FaissAtScaleCase(string size, string kind)
    {
        Size = size;
        Kind = kind;
        var parts = size.Split('x');
        Count = int.Parse(parts[0], CultureInfo.InvariantCulture);
        Dimension = int.Parse(parts[1], CultureInfo.InvariantCulture);
        (Data, Queries) = ClusteredVectors.GenerateWithQueries(Count, QueryCount, Dimension, seed: 42);
    }

    /// <summary>
    /// The kinds: IndexSpec presets whose cell count and PQ size follow the collection size; <c>VIS_BENCH_FAISS_KINDS</c>
    /// (comma-separated) runs fewer.
    /// </summary>
    public static IEnumerable<string> Kinds => (Environment.GetEnvironmentVariable("VIS_BENCH_FAISS_KINDS") ?? "flat,ivfflat,ivfpq,ivfpqr,hnsw").Split(',');

    /// <summary>"count x dimension".</summary>
    public string Size { get; }

    /// <summary>The index kind.</summary>
    public string Kind { get; }

    /// <summary>Vectors in the collection.</summary>
    public int Count { get; }

    /// <summary>Their dimension.</summary>
    public int Dimension { get; }

    /// <summary>The collection.</summary>
    public float[] Data { get; }

    /// <summary>Fresh queries from the same clusters.</summary>
    public float[] Queries { get; }

    /// <summary>Where the built index is kept between benchmark processes (the benchmark cache, never the repository).</summary>
    public string CachedIndexPath => Path.Combine(JpegCorpus.CacheRoot, "faiss-at-scale", $"{Size}-{Kind}-seed42.faiss");

    /// <summary>The sizes: <c>VIS_BENCH_FAISS_SIZES</c> (comma-separated, e.g. <c>100000x512,1000000x512</c>) or 100000x512.</summary>
    public static IEnumerable<string> Sizes() => (Environment.GetEnvironmentVariable("VIS_BENCH_FAISS_SIZES") ?? "100000x512").Split(',');

    /// <summary>Generates the vectors of <paramref name="size"/> (seconds at 1M × 512).</summary>
    public static FaissAtScaleCase Create(string size, string kind) => new(size, kind);

    /// <summary>Trains on the spec's recommended sample and adds every vector.</summary>
    public FaissIndex Build() => BenchmarkIndexKinds.Build(Kind, Data, Count, Dimension, trainingSeed: 7);

    /// <summary>Saves <paramref name="index"/> as this case's cached index unless one is there.</summary>
    public void Cache(FaissIndex index)
    {
        if (!File.Exists(CachedIndexPath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CachedIndexPath)!);
            index.Save(CachedIndexPath);
        }
    }

    /// <summary>The process's resident memory (VmRSS).</summary>
    public static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }
}
