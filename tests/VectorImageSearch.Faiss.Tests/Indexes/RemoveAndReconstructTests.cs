using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

public sealed class RemoveAndReconstructTests
{
    private const int Dimension = 16;

    public static TheoryData<string> RemovableKinds => new() { "Flat", "IVF8,Flat", "IVF8,PQ4x8np" };

    [Theory]
    [MemberData(nameof(RemovableKinds))]
    public void Removed_vectors_are_gone(string factory)
    {
        var data = TestVectors.Uniform(600, Dimension, seed: 21);
        var ids = Enumerable.Range(0, 600).Select(i => (long)(i * 10)).ToArray();
        using var index = FaissIndex.Create(Dimension, factory, VectorMetric.L2);
        index.Train(data);
        index.AddWithIds(data, ids);
        Assert.True(index.SupportsRemove);
        Assert.Equal(2, index.Remove([50, 70, 12345]));
        Assert.Equal(598, index.Count);
        var options = new VectorSearchOptions { NProbe = 8 };
        Assert.NotEqual(50, index.Search(data.AsSpan(5 * Dimension, Dimension), 1, options)[0].Id);
        Assert.Equal(60, index.Search(data.AsSpan(6 * Dimension, Dimension), 1, options)[0].Id);
        Assert.Equal(80, index.Search(data.AsSpan(8 * Dimension, Dimension), 1, options)[0].Id);
        Assert.Equal(0, index.Remove([]));
    }

    [Fact]
    public void Hnsw_cannot_remove_and_says_so()
    {
        using var index = FaissIndex.Create(Dimension, IndexSpec.Hnsw(m: 8), VectorMetric.L2);
        index.Add(TestVectors.Uniform(50, Dimension, seed: 22));
        Assert.False(index.SupportsRemove);
        var error = Assert.Throws<NotSupportedException>(() => index.Remove([1]));
        Assert.Contains("cannot remove vectors", error.Message);
        Assert.Equal(50, index.Count);
    }

    [Theory]
    [InlineData("Flat")]
    [InlineData("IVF8,Flat")]
    [InlineData("HNSW8")]
    [InlineData("IVF8,PQ4x8np,RFlat")]
    public void Reconstruct_returns_the_stored_vector_by_id(string factory)
    {
        var data = TestVectors.Uniform(500, Dimension, seed: 23);
        var ids = Enumerable.Range(0, 500).Select(i => 900L + i).ToArray();
        using var index = FaissIndex.Create(Dimension, factory, VectorMetric.InnerProduct);
        index.Train(data);
        index.AddWithIds(data, ids);
        Assert.Equal(data.AsSpan(123 * Dimension, Dimension).ToArray(), index.Reconstruct(1023));
        var error = Assert.Throws<FaissException>(() => index.Reconstruct(5));
        Assert.Contains("id 5", error.Message);
        Assert.Throws<ArgumentException>(() => index.Reconstruct(900, new float[Dimension - 1]));
    }

    [Fact]
    public void Automatic_ids_continue_from_the_count()
    {
        using var index = FaissIndex.Create(Dimension, IndexSpec.Hnsw(m: 8), VectorMetric.L2);
        var data = TestVectors.Uniform(30, Dimension, seed: 24);
        Assert.Equal(0, index.Add(data.AsSpan(0, 10 * Dimension)));
        Assert.Equal(10, index.Add(data.AsSpan(10 * Dimension)));
        Assert.Equal(25, index.Search(data.AsSpan(25 * Dimension, Dimension), 1)[0].Id);
    }
}
