namespace VectorImageSearch.Faiss.Tests.Data;

/// <summary>Small deterministic vectors and a brute-force reference search for the tests.</summary>
internal static class TestVectors
{
    /// <summary><paramref name="count"/> × <paramref name="dimension"/> floats, uniform in [-1, 1).</summary>
    public static float[] Uniform(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var values = new float[count * dimension];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2f) - 1f;
        }
        return values;
    }

    /// <summary>The exact k nearest neighbours of one query by direct computation in double precision.</summary>
    public static (long Id, double Distance)[] BruteForce(float[] data, int dimension, ReadOnlySpan<float> query, int k, VectorMetric metric)
    {
        var count = data.Length / dimension;
        var scored = new (long Id, double Distance)[count];
        for (var i = 0; i < count; i++)
        {
            var row = data.AsSpan(i * dimension, dimension);
            double value = 0;
            for (var j = 0; j < dimension; j++)
            {
                value += metric == VectorMetric.L2 ? (row[j] - query[j]) * (double)(row[j] - query[j]) : row[j] * (double)query[j];
            }
            scored[i] = (i, value);
        }
        var ordered = metric == VectorMetric.L2
            ? scored.OrderBy(s => s.Distance).ThenBy(s => s.Id)
            : scored.OrderByDescending(s => s.Distance).ThenBy(s => s.Id);
        return ordered.Take(k).ToArray();
    }

    /// <summary>The fraction of the true top-k ids that <paramref name="found"/> contains, over all queries.</summary>
    public static double Recall(long[] truth, long[] found, int k)
    {
        long hits = 0;
        for (var q = 0; q < truth.Length / k; q++)
        {
            var expected = truth.AsSpan(q * k, k);
            foreach (var id in found.AsSpan(q * k, k))
            {
                if (id >= 0 && expected.Contains(id))
                {
                    hits++;
                }
            }
        }
        return hits / (double)truth.Length;
    }
}
