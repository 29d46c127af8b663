using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

public sealed class ArgumentValidationTests
{
    private const int Dimension = 8;

    [Fact]
    public void Wrong_dimension_is_refused_before_FAISS_sees_it()
    {
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        var add = Assert.Throws<ArgumentException>(() => index.Add(new float[Dimension + 1]));
        Assert.Contains("not a multiple of the index's dimension 8", add.Message);
        index.Add(TestVectors.Uniform(10, Dimension, 1));
        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimension - 1], 3));
        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimension * 2], 3));
        Assert.Throws<ArgumentException>(() => index.Add(ReadOnlySpan<float>.Empty));
        Assert.Throws<ArgumentException>(() => index.Add(new float[Dimension * 2], new long[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaissIndex.Create(0, IndexSpec.Flat()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void K_of_zero_or_less_throws(int k)
    {
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        index.Add(TestVectors.Uniform(5, Dimension, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[Dimension], k));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[Dimension], k, new float[8], new long[8]));
    }

    [Fact]
    public void K_larger_than_count_returns_count_results_and_the_span_overload_pads()
    {
        var data = TestVectors.Uniform(4, Dimension, 3);
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        index.Add(data);
        var query = data.AsSpan(0, Dimension).ToArray();
        Assert.Equal(4, index.Search(query, 100).Count);
        Assert.Equal(4, index.Search(query, int.MaxValue).Count);

        var ids = new long[6];
        var distances = new float[6];
        index.Search(query, 6, distances, ids);
        Assert.Equal(new long[] { 0 }, ids[..1]);
        Assert.Equal(new long[] { -1, -1 }, ids[4..]);
        Assert.True(float.IsPositiveInfinity(distances[5]));

        using var empty = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.InnerProduct);
        Assert.Empty(empty.Search(query, 3));
        empty.Search(query, 2, distances, ids);
        Assert.Equal(new long[] { -1, -1 }, ids[..2]);
        Assert.True(float.IsNegativeInfinity(distances[0]));
        Assert.Throws<ArgumentException>(() => index.Search(query, 7, distances, ids));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_name_the_vector(float bad)
    {
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        var data = TestVectors.Uniform(40, Dimension, 4);
        data[(37 * Dimension) + 5] = bad;
        var add = Assert.Throws<ArgumentException>(() => index.Add(data));
        Assert.Contains("Vector 37 (component 5)", add.Message);
        Assert.Equal(0, index.Count);
        index.Add(TestVectors.Uniform(3, Dimension, 5));
        var query = new float[Dimension * 2];
        query[Dimension + 1] = bad;
        var search = Assert.Throws<ArgumentException>(() => index.Search(query, 2, new float[4], new long[4]));
        Assert.Contains("Vector 1 (component 1)", search.Message);
        Assert.Throws<ArgumentException>(() => index.Train(data));
    }

    [Fact]
    public void Adding_to_an_untrained_ivf_index_is_a_clear_error()
    {
        using var index = FaissIndex.Create(Dimension, IndexSpec.IvfFlat(nlist: 4), VectorMetric.L2);
        Assert.False(index.IsTrained);
        var error = Assert.Throws<InvalidOperationException>(() => index.Add(TestVectors.Uniform(10, Dimension, 6)));
        Assert.Contains("not trained", error.Message);
        index.Train(TestVectors.Uniform(400, Dimension, 7));
        Assert.True(index.IsTrained);
        index.Add(TestVectors.Uniform(10, Dimension, 6));
        Assert.Equal(10, index.Count);
    }

    [Fact]
    public void A_bad_factory_string_gives_FAISS_message()
    {
        var error = Assert.Throws<FaissException>(() => FaissIndex.Create(Dimension, "IVF12,Nonsense99"));
        Assert.Contains("IVF12,Nonsense99", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.FaissMessage));
    }

    [Fact]
    public void Disposed_index_throws_ObjectDisposedException()
    {
        var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        index.Dispose();
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Count);
        Assert.Throws<ObjectDisposedException>(() => index.Add(new float[Dimension]));
    }
}
