using VectorImageSearch.Faiss.Interop;
using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

public sealed class SearchParameterTests
{
    private const int Dimension = 32;
    private const int K = 10;

    [Fact]
    public void Concurrent_searches_with_different_parameters_equal_sequential_results()
    {
        // Uniform data: hard enough that nprobe and efSearch change the results.
        var data = TestVectors.Uniform(8000, Dimension, seed: 11);
        var queries = TestVectors.Uniform(40, Dimension, seed: 10);
        using var ivf = FaissIndex.Create(Dimension, IndexSpec.IvfFlat(nlist: 64, nprobe: 2), VectorMetric.L2);
        ivf.Train(data);
        ivf.Add(data);
        using var hnsw = FaissIndex.Create(Dimension, IndexSpec.Hnsw(m: 8, efConstruction: 20, efSearch: 4), VectorMetric.L2);
        hnsw.Add(data);

        var cases = new (FaissIndex Index, VectorSearchOptions? Options)[]
        {
            (ivf, null), (ivf, new() { NProbe = 1 }), (ivf, new() { NProbe = 8 }), (ivf, new() { NProbe = 64 }),
            (hnsw, null), (hnsw, new() { EfSearch = 10 }), (hnsw, new() { EfSearch = 200 }),
        };
        var expected = cases.Select(c => SearchIds(c.Index, queries, c.Options)).ToArray();
        // The parameters must matter, or the comparison below proves nothing.
        Assert.NotEqual(expected[1], expected[3]);
        Assert.NotEqual(expected[5], expected[6]);

        var failures = 0;
        Parallel.For(0, 140, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var c = cases[i % cases.Length];
            if (!SearchIds(c.Index, queries, c.Options).SequenceEqual(expected[i % cases.Length]))
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
        Assert.Equal(2, ivf.DefaultNProbe);
        Assert.Equal(4, hnsw.DefaultEfSearch);
    }

    [Fact]
    public async Task Adds_are_exclusive_with_searches()
    {
        var data = TestVectors.Uniform(4000, Dimension, seed: 12);
        using var index = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        index.Add(data.AsSpan(0, 100 * Dimension));
        var query = data.AsSpan(0, Dimension).ToArray();
        using var stop = new CancellationTokenSource();
        var badResults = 0;
        var searchers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var ids = new long[K];
            var distances = new float[K];
            while (!stop.IsCancellationRequested)
            {
                index.Search(query, K, distances, ids);
                // Vector 0 is its own nearest neighbour at distance 0, whatever has been added meanwhile.
                if (ids[0] != 0 || distances[0] != 0f || ids.Any(id => id < 0 || id >= 4000))
                {
                    Interlocked.Increment(ref badResults);
                }
            }
        })).ToArray();
        for (var start = 100; start < 4000; start += 100)
        {
            index.Add(data.AsSpan(start * Dimension, 100 * Dimension));
        }
        stop.Cancel();
        await Task.WhenAll(searchers);
        Assert.Equal(0, badResults);
        Assert.Equal(4000, index.Count);
    }

    [Fact]
    public void Threads_setting_reaches_the_search_gives_the_same_results_and_does_not_leak_to_the_thread()
    {
        var (data, queries) = ClusteredVectors.GenerateWithQueries(3000, 30, Dimension, seed: 13);
        using var index = FaissIndex.Create(Dimension, IndexSpec.IvfFlat(nlist: 32, nprobe: 4), VectorMetric.InnerProduct);
        index.Train(data);
        index.Add(data);
        var before = ShimNative.GetNumThreads();
        var all = SearchIds(index, queries, null);
        Assert.Equal(before, ShimNative.LastSearchThreads());
        // 1 and 3: at least one differs from the default team size on any machine, so an ignored setting shows.
        foreach (var threads in new[] { 1, 3 })
        {
            index.Threads = threads;
            Assert.Equal(all, SearchIds(index, queries, null));
            Assert.Equal(threads, ShimNative.LastSearchThreads());
            Assert.Equal(before, ShimNative.GetNumThreads());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Threads = -1);
    }

    [Fact]
    public void Options_that_do_not_apply_are_ignored_and_invalid_ones_refused()
    {
        var data = TestVectors.Uniform(500, Dimension, seed: 14);
        using var flat = FaissIndex.Create(Dimension, IndexSpec.Flat(), VectorMetric.L2);
        flat.Add(data);
        var query = data.AsSpan(3 * Dimension, Dimension).ToArray();
        Assert.Equal(flat.Search(query, 5), flat.Search(query, 5, new VectorSearchOptions { NProbe = 3, EfSearch = 7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => flat.Search(query, 5, new VectorSearchOptions { NProbe = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => flat.Search(query, 5, new VectorSearchOptions { EfSearch = -2 }));
    }

    [Fact]
    public void Default_search_options_can_be_changed()
    {
        var data = TestVectors.Uniform(2000, Dimension, seed: 15);
        using var index = FaissIndex.Create(Dimension, IndexSpec.IvfFlat(nlist: 16, nprobe: 1), VectorMetric.L2);
        index.Train(data);
        index.Add(data);
        var queries = data.AsSpan(0, 20 * Dimension).ToArray();
        var withEight = SearchIds(index, queries, new VectorSearchOptions { NProbe = 8 });
        // One probe finds other neighbours than eight on these vectors, so the default below must really change searches.
        Assert.NotEqual(withEight, SearchIds(index, queries, null));
        index.SetDefaultSearchOptions(nprobe: 8);
        Assert.Equal(8, index.DefaultNProbe);
        Assert.Equal(withEight, SearchIds(index, queries, null));
    }

    private static long[] SearchIds(FaissIndex index, float[] queries, VectorSearchOptions? options)
    {
        var n = queries.Length / Dimension;
        var ids = new long[n * K];
        index.Search(queries, K, new float[n * K], ids, options);
        return ids;
    }
}
