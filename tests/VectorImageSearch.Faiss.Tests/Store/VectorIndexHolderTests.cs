using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Faiss.Store;

namespace VectorImageSearch.Faiss.Tests.Store;

public sealed class VectorIndexHolderTests
{
    private const int Dimension = 8;

    private static float[] Vectors(int count, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count * Dimension];
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * Dimension, Dimension);
            for (var j = 0; j < Dimension; j++)
            {
                row[j] = (float)(random.NextDouble() * 2 - 1);
            }
            System.Numerics.Tensors.TensorPrimitives.Divide(row, System.Numerics.Tensors.TensorPrimitives.Norm(row), row);
        }
        return vectors;
    }

    private static long[] Ids(long from, int count) => Enumerable.Range(0, count).Select(i => from + i).ToArray();

    [Fact]
    public void An_ivf_spec_stays_exact_until_it_can_be_trained_then_is_rebuilt_with_every_vector()
    {
        using var holder = new VectorIndexHolder("IVF4,Flat", Dimension, NullLogger.Instance);
        Assert.Equal(4 * IndexSpec.MinimumPointsPerCell, FaissIndexSpecs.MinimumTrainingVectors("IVF4,Flat"));
        holder.Add(Vectors(100, 1), Ids(1, 100));
        Assert.False(holder.Reorganise(Ids(1, 100)));
        Assert.Equal("Flat", holder.BuiltAs);

        holder.Add(Vectors(100, 2), Ids(101, 100));
        Assert.True(holder.Reorganise(Ids(1, 200)));
        Assert.Equal("IVF4,Flat", holder.BuiltAs);
        Assert.Equal(200, holder.Count);
        var query = Vectors(200, 2).AsSpan(37 * Dimension, Dimension);
        Assert.Equal(101 + 37, holder.Search(query, 1)[0].Id);
    }

    [Fact]
    public void Auto_grows_from_flat_to_ivf_past_the_flat_limit_and_keeps_ids()
    {
        var count = (int)IndexSpec.AutoFlatMaximum + 1000;
        using var holder = new VectorIndexHolder("Auto", Dimension, NullLogger.Instance);
        var vectors = Vectors(count, 3);
        holder.Add(vectors, Ids(1, count));
        Assert.Equal("Flat", holder.BuiltAs);

        Assert.True(holder.Reorganise(Ids(1, count)));

        Assert.StartsWith("IVF", holder.BuiltAs);
        Assert.Equal(count, holder.Count);
        Assert.Equal(12346, holder.Search(vectors.AsSpan(12345 * Dimension, Dimension), 1)[0].Id);
    }

    [Fact]
    public void Hnsw_removals_become_tombstones_that_searches_skip_and_a_rebuild_drops()
    {
        using var holder = new VectorIndexHolder("HNSW16", Dimension, NullLogger.Instance);
        var vectors = Vectors(50, 4);
        holder.Add(vectors, Ids(1, 50));

        holder.Remove(Ids(1, 20));

        Assert.Equal(20, holder.Tombstones.Count);
        Assert.Equal(30, holder.Count);
        var hits = holder.Search(vectors.AsSpan(0, Dimension), 10);
        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.True(h.Id > 20));

        Assert.True(holder.Reorganise(Ids(21, 30)));
        Assert.Empty(holder.Tombstones);
        Assert.Equal(30, holder.Index.Count);
    }
}
