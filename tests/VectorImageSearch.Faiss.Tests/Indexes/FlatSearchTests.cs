using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

public sealed class FlatSearchTests
{
    private const int Dimension = 24;

    [Theory]
    [InlineData(nameof(VectorMetric.L2))]
    [InlineData(nameof(VectorMetric.InnerProduct))]
    public void Flat_search_equals_brute_force_ids_and_distances(string metricName)
    {
        var metric = Enum.Parse<VectorMetric>(metricName); // the enum is internal, so the theory names it
        var data = TestVectors.Uniform(1500, Dimension, seed: 1);
        var queries = TestVectors.Uniform(25, Dimension, seed: 2);
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), metric);
        Assert.True(index.IsTrained);
        Assert.Equal(0, index.Add(data));
        const int K = 12;
        var results = index.SearchBatch(queries, K);
        for (var q = 0; q < 25; q++)
        {
            var expected = TestVectors.BruteForce(data, Dimension, queries.AsSpan(q * Dimension, Dimension), K, metric);
            var actual = results[q];
            Assert.Equal(K, actual.Count);
            for (var j = 0; j < K; j++)
            {
                Assert.Equal(expected[j].Id, actual[j].Id);
                Assert.Equal(expected[j].Distance, actual[j].Distance, 1e-3);
            }
        }
    }

    [Fact]
    public void Explicit_ids_are_returned_and_single_search_matches_batched()
    {
        var data = TestVectors.Uniform(300, Dimension, seed: 3);
        var ids = Enumerable.Range(0, 300).Select(i => 1_000_000_000_000L + (i * 7L)).ToArray();
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        index.AddWithIds(data, ids);
        var query = data.AsSpan(17 * Dimension, Dimension).ToArray();
        var single = index.Search(query, 5);
        Assert.Equal(ids[17], single[0].Id);
        Assert.Equal(0f, single[0].Distance, 1e-5);
        var expected = TestVectors.BruteForce(data, Dimension, query, 5, VectorMetric.L2).Select(e => ids[e.Id]);
        Assert.Equal(expected, single.Select(m => m.Id));
        Assert.Equal(single, index.SearchBatch(query, 5)[0]);
    }
}
