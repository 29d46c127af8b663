using BenchmarkDotNet.Attributes;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// FAISS index build (train + add) and search, per kind, on clustered synthetic unit vectors. Defaults are small so a run
/// finishes in CI-like time; docs/indexes.md has the 100k / 1M measurements from benchmarks/IndexMeasurements.
/// Run: dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*FaissBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class FaissBenchmarks
{
    private const int K = 10;
    private const int QueryCount = 256;

    private float[] _data = null!;
    private float[] _queries = null!;
    private float[] _distances = null!;
    private long[] _ids = null!;
    private FaissIndex _index = null!;

    /// <summary>The number of indexed vectors.</summary>
    [Params(20_000)]
    public int Count { get; set; }

    /// <summary>The vector length.</summary>
    [Params(128)]
    public int Dimension { get; set; }

    /// <summary>The index kind.</summary>
    [Params("Flat", "IvfFlat", "IvfPqRefine", "Hnsw")]
    public string Kind { get; set; } = "Flat";

    /// <summary>Generates the vectors and builds the index the search benchmarks use.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = Clustered(Count, Dimension, seed: 1);
        _queries = Clustered(QueryCount, Dimension, seed: 2);
        _distances = new float[QueryCount * K];
        _ids = new long[QueryCount * K];
        _index = Build();
    }

    /// <summary>Frees the index.</summary>
    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    /// <summary>Train (on the recommended sample) and add every vector.</summary>
    [Benchmark]
    public long BuildIndex()
    {
        using var index = Build();
        return index.Count;
    }

    /// <summary>All queries in one batched call (FAISS parallelises over queries).</summary>
    [Benchmark(OperationsPerInvoke = QueryCount)]
    public long SearchBatched()
    {
        _index.Search(_queries, K, _distances, _ids);
        return _ids[0];
    }

    /// <summary>One query per call, as a search service answering one user at a time does.</summary>
    [Benchmark(OperationsPerInvoke = QueryCount)]
    public long SearchSingle()
    {
        long last = 0;
        for (var q = 0; q < QueryCount; q++)
        {
            _index.Search(_queries.AsSpan(q * Dimension, Dimension), K, _distances.AsSpan(0, K), _ids.AsSpan(0, K));
            last = _ids[0];
        }
        return last;
    }

    private FaissIndex Build() => BenchmarkIndexKinds.Build(Kind, _data, Count, Dimension, trainingSeed: 3);

    // Unit vectors around Count / 500 random centres, each cluster spread in its own 16-dimensional subspace.
    private static float[] Clustered(int count, int dimension, int seed)
    {
        const int Subspace = 16;
        var model = new Random(7);
        var clusters = Math.Max(16, count / 500);
        var centres = new float[clusters * dimension];
        var bases = new float[clusters * dimension * Subspace];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = Gaussian(model);
        }
        for (var i = 0; i < bases.Length; i++)
        {
            bases[i] = Gaussian(model) * 0.3f / MathF.Sqrt(dimension);
        }
        var random = new Random(seed);
        var result = new float[count * dimension];
        Span<float> z = stackalloc float[Subspace];
        for (var row = 0; row < count; row++)
        {
            var c = random.Next(clusters);
            var x = result.AsSpan(row * dimension, dimension);
            for (var j = 0; j < Subspace; j++)
            {
                z[j] = Gaussian(random);
            }
            for (var i = 0; i < dimension; i++)
            {
                var sum = centres[(c * dimension) + i] / MathF.Sqrt(dimension);
                for (var j = 0; j < Subspace; j++)
                {
                    sum += bases[(((c * dimension) + i) * Subspace) + j] * z[j];
                }
                x[i] = sum + (Gaussian(random) * 0.05f / MathF.Sqrt(dimension));
            }
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(x));
            System.Numerics.Tensors.TensorPrimitives.Divide(x, norm, x);
        }
        return result;
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
