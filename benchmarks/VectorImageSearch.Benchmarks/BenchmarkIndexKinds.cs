using VectorImageSearch.Faiss;

namespace VectorImageSearch.Benchmarks;

/// <summary>The index kinds the FAISS benchmarks and comparisons name, as <see cref="IndexSpec"/> presets.</summary>
internal static class BenchmarkIndexKinds
{
    /// <summary>
    /// The preset for <paramref name="kind"/> (case-insensitive): flat, ivfflat, ivfpq, ivfpqr / ivfpqrefine (IVF-PQ with
    /// ×4 exact re-ranking) or hnsw; anything else is taken as a FAISS factory string.
    /// </summary>
    public static IndexSpec Spec(string kind) => kind.ToLowerInvariant() switch
    {
        "flat" => IndexSpec.Flat(),
        "ivfflat" => IndexSpec.IvfFlat(),
        "ivfpq" => IndexSpec.IvfPq(),
        "ivfpqr" or "ivfpqrefine" => IndexSpec.IvfPq(refine: 4),
        "hnsw" => IndexSpec.Hnsw(),
        _ => IndexSpec.Factory(kind),
    };

    /// <summary>Creates the index of <paramref name="kind"/> for <paramref name="data"/>, trains it on the spec's recommended sample and adds every vector.</summary>
    public static FaissIndex Build(string kind, float[] data, int count, int dimension, int trainingSeed)
    {
        var index = FaissIndex.Create(dimension, Spec(kind), VectorMetric.InnerProduct, count);
        var training = index.RecommendedTrainingCount(count);
        if (training > 0)
        {
            index.Train(data, (int)training, seed: trainingSeed);
        }
        index.Add(data);
        return index;
    }
}
