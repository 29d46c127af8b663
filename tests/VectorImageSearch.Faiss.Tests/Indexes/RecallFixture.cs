using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

/// <summary>
/// The 50,000 × 128 clustered set with 1,000 queries and its exact top-10 (from a Flat index, which
/// <see cref="FlatSearchTests"/> checks against brute force), built once for all recall tests.
/// </summary>
public sealed class RecallFixture
{
    public const int Count = 50_000;
    public const int Dimension = 128;
    public const int QueryCount = 1_000;
    public const int K = 10;

    public RecallFixture()
    {
        (Data, Queries) = ClusteredVectors.GenerateWithQueries(Count, QueryCount, Dimension, seed: 2024);
        using var flat = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        flat.Add(Data);
        Truth = new long[QueryCount * K];
        flat.Search(Queries, K, new float[QueryCount * K], Truth);
    }

    public float[] Data { get; }

    public float[] Queries { get; }

    public long[] Truth { get; }

    /// <summary>Builds <paramref name="spec"/> over the whole set, training on the sample size the index recommends.</summary>
    internal FaissIndex Build(IndexSpec spec)
    {
        // One OpenMP thread: on a shared, oversubscribed machine OpenMP's barriers stall multi-threaded PQ training and
        // HNSW building for minutes; the results do not depend on the thread count.
        var index = FaissIndex.Create(Dimension, spec, VectorMetric.L2, Count);
        index.Threads = 1;
        var training = index.RecommendedTrainingCount(Count);
        if (training > 0)
        {
            index.Train(Data, (int)training, seed: 5);
        }
        index.Add(Data);
        return index;
    }

    /// <summary>Recall@10 of <paramref name="index"/> against the exact results.</summary>
    internal double Recall(FaissIndex index, VectorSearchOptions? options = null)
    {
        var found = new long[QueryCount * K];
        index.Search(Queries, K, new float[QueryCount * K], found, options);
        return TestVectors.Recall(Truth, found, K);
    }
}
