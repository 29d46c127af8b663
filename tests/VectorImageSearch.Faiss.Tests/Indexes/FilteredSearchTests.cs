using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

/// <summary>Search restricted to a set of ids (batch, range, bitmap) for every kind, on both paths (walk and exact).</summary>
public sealed class FilteredSearchTests
{
    private const int Dimension = 32;
    private const int Count = 4000;
    private const int K = 10;
    private static readonly float[] Data = ClusteredVectors.Generate(Count, Dimension, clusters: 40, seed: 77);

    public static TheoryData<string> Kinds() => ["Flat", "IVF32,Flat", "IVF32,PQ8x4np,RFlat", "HNSW16", "SQ8", "SQfp16", "IVF32,SQ8", "PQ8x4", "IVF32,PQ8x4np"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_returns_only_allowed_ids_for_every_selector_on_both_paths(string factory)
    {
        using var index = Build(factory);
        var allowed = Enumerable.Range(0, Count).Where(i => i % 7 == 3).Select(i => (long)i).ToArray();
        var bitmap = new byte[(Count + 7) / 8];
        foreach (var id in allowed)
        {
            bitmap[id / 8] |= (byte)(1 << (int)(id % 8));
        }
        using var batch = FaissIdSelector.Batch(allowed);
        using var bits = FaissIdSelector.Bitmap(bitmap);
        using var range = FaissIdSelector.Range(1000, 1400);
        Assert.Equal(allowed.Length, batch.Count);
        Assert.Equal(allowed.Length, bits.Count);
        Assert.Equal(400, range.Count);
        var allowedSet = allowed.ToHashSet();
        for (var q = 0; q < 20; q++)
        {
            var query = Data.AsSpan(q * 97 % Count * Dimension, Dimension);
            foreach (var fraction in new[] { 0.0, 1.0 })
            {
                foreach (var (selector, isAllowed) in new (FaissIdSelector, Func<long, bool>)[] { (batch, allowedSet.Contains), (bits, allowedSet.Contains), (range, id => id is >= 1000 and < 1400) })
                {
                    var options = new VectorSearchOptions { Filter = selector, ExactFilterFraction = fraction, NProbe = 32 };
                    var found = index.Search(query, K, options);
                    Assert.NotEmpty(found);
                    Assert.All(found, m => Assert.True(isAllowed(m.Id), $"{factory}: id {m.Id} is not allowed by {selector} (fraction {fraction})"));
                }
            }
        }
    }

    [Fact]
    public void Flat_filtered_search_equals_brute_force_over_the_allowed_vectors()
    {
        using var index = Build("Flat");
        var random = new Random(4);
        foreach (var size in new[] { 5, 40, 400, 2000 })
        {
            var allowed = Enumerable.Range(0, Count).OrderBy(_ => random.Next()).Take(size).Select(i => (long)i).ToArray();
            var subset = new float[size * Dimension];
            for (var i = 0; i < size; i++)
            {
                Data.AsSpan((int)allowed[i] * Dimension, Dimension).CopyTo(subset.AsSpan(i * Dimension));
            }
            using var selector = FaissIdSelector.Batch(allowed);
            for (var q = 0; q < 10; q++)
            {
                var query = Data.AsSpan(random.Next(Count) * Dimension, Dimension);
                var expected = TestVectors.BruteForce(subset, Dimension, query, K, VectorMetric.L2).Select(m => allowed[m.Id]).ToArray();
                foreach (var fraction in new[] { 0.0, 1.0 })
                {
                    var found = index.Search(query, K, new VectorSearchOptions { Filter = selector, ExactFilterFraction = fraction });
                    Assert.Equal(expected, found.Select(m => m.Id).ToArray());
                }
                Assert.Equal(expected, index.Search(query, K, allowed).Select(m => m.Id).ToArray());
            }
        }
    }

    [Fact]
    public void The_filter_changes_the_answer_and_an_empty_filter_finds_nothing()
    {
        using var index = Build("HNSW16");
        var query = Data.AsSpan(123 * Dimension, Dimension);
        Assert.Equal(123, index.Search(query, 1)[0].Id);
        using var others = FaissIdSelector.Range(2000, 4000);
        Assert.InRange(index.Search(query, 1, new VectorSearchOptions { Filter = others, ExactFilterFraction = 0 })[0].Id, 2000, 3999);
        using var none = FaissIdSelector.Batch([]);
        Assert.Empty(index.Search(query, K, new VectorSearchOptions { Filter = none }));
        Assert.Empty(index.Search(query, K, new VectorSearchOptions { Filter = none, ExactFilterFraction = 0 }));
    }

    [Theory]
    [InlineData("HNSW16")]
    [InlineData("IVF32,Flat")]
    public void The_filtered_walk_keeps_recall_against_exact_filtered_search(string factory)
    {
        using var index = Build(factory);
        using var flat = Build("Flat");
        var allowed = Enumerable.Range(0, Count).Where(i => i % 10 == 1).Select(i => (long)i).ToArray();
        using var selector = FaissIdSelector.Batch(allowed);
        long hits = 0, total = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = Data.AsSpan(q * 61 % Count * Dimension, Dimension);
            var truth = flat.Search(query, K, new VectorSearchOptions { Filter = selector }).Select(m => m.Id).ToHashSet();
            var found = index.Search(query, K, new VectorSearchOptions { Filter = selector, ExactFilterFraction = 0, NProbe = 8, EfSearch = 32 });
            hits += found.Count(m => truth.Contains(m.Id));
            total += truth.Count;
        }
        Assert.True(hits >= 0.9 * total, $"{factory}: filtered recall {hits}/{total}");
    }

    [Fact]
    public void Concurrent_searches_with_different_filters_match_sequential_ones()
    {
        using var index = Build("HNSW16");
        var selectors = Enumerable.Range(0, 4).Select(r => FaissIdSelector.Range(r * 1000, (r + 1) * 1000)).ToArray();
        try
        {
            var expected = Enumerable.Range(0, 64).Select(q => index.Search(Data.AsSpan(q * Dimension, Dimension), K,
                new VectorSearchOptions { Filter = selectors[q % 4], ExactFilterFraction = 0 }).Select(m => m.Id).ToArray()).ToArray();
            var actual = new long[64][];
            Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, q => actual[q] = index.Search(Data.AsSpan(q * Dimension, Dimension), K,
                new VectorSearchOptions { Filter = selectors[q % 4], ExactFilterFraction = 0 }).Select(m => m.Id).ToArray());
            Assert.Equal(expected, actual);
        }
        finally
        {
            foreach (var selector in selectors)
            {
                selector.Dispose();
            }
        }
    }

    [Fact]
    public void A_disposed_selector_or_a_bad_fraction_is_refused()
    {
        using var index = Build("Flat");
        var selector = FaissIdSelector.Batch([1, 2, 3]);
        selector.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Search(Data.AsSpan(0, Dimension), K, new VectorSearchOptions { Filter = selector }));
        using var live = FaissIdSelector.Batch([1, 2, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Data.AsSpan(0, Dimension), K, new VectorSearchOptions { Filter = live, ExactFilterFraction = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaissIdSelector.Range(5, 4));
    }

    private static FaissIndex Build(string factory)
    {
        var index = FaissIndex.Create(Dimension, factory, VectorMetric.L2);
        index.Threads = 1;
        index.Train(Data);
        index.Add(Data);
        return index;
    }
}
