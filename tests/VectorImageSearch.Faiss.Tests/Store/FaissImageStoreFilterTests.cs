namespace VectorImageSearch.Faiss.Tests.Store;

public sealed class FaissImageStoreFilterTests
{
    private const int Dimension = 16;

    public static TheoryData<string> Specs => new() { "Flat", "HNSW16", "IVF4,Flat" };

    private static readonly ImageRecordFilter[] Filters =
    [
        new() { KeyPrefix = "/photos/b/" },
        new() { Metadata = new Dictionary<string, string> { ["group"] = "2" } },
        new() { ModifiedFromUtc = new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc), ModifiedBeforeUtc = new DateTime(2026, 1, 6, 0, 0, 0, DateTimeKind.Utc) },
        new() { KeyPrefix = "/photos/a/", Metadata = new Dictionary<string, string> { ["group"] = "1" } },
        new() { Metadata = new Dictionary<string, string> { ["group"] = "no such group" } },
    ];

    [Theory]
    [MemberData(nameof(Specs))]
    public async Task A_filtered_search_returns_exactly_the_best_matching_records(string spec)
    {
        var records = StoreRecords.Make(300, Dimension, seed: 11);
        await using var store = await StoreRecords.OpenAsync(Dimension, spec);
        await store.UpsertAsync(records);
        await store.ReorganiseAsync();
        var random = new Random(12);
        // Exactness needs an exhaustive search: every IVF list probed, an HNSW candidate list as long as the index (the
        // graph is built by several threads, so a short list may miss a filtered neighbour in one run and not the next).
        var exhaustive = spec switch
        {
            "IVF4,Flat" => new FaissSearchParameters { NProbe = 4 },
            "HNSW16" => new FaissSearchParameters { EfSearch = 300 },
            _ => null,
        };
        foreach (var filter in Filters)
        {
            for (var q = 0; q < 5; q++)
            {
                var query = StoreRecords.UnitVector(random, Dimension);
                var expected = StoreRecords.Reference(records, query, 10, filter);

                var found = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 10, Filter = filter, EngineParameters = exhaustive });

                Assert.Equal(expected.Select(e => e.Key), found.Select(m => m.Record.Key));
                Assert.All(found, m => Assert.True(filter.Matches(m.Record)));
                for (var i = 0; i < found.Count; i++)
                {
                    Assert.Equal(expected[i].Score, found[i].Score, 4);
                }
            }
        }
    }

    [Fact]
    public async Task Filtered_search_runs_inside_faiss_so_fewer_probes_cost_recall()
    {
        // The filter is a FAISS id selector and FaissSearchParameters reach FAISS: with one of four IVF lists probed some
        // filtered results are missed, with all four none are (a brute-force filter would be exact either way).
        var records = StoreRecords.Make(300, Dimension, seed: 11);
        await using var store = await StoreRecords.OpenAsync(Dimension, "IVF4,Flat");
        await store.UpsertAsync(records);
        await store.ReorganiseAsync();
        var filter = new ImageRecordFilter { KeyPrefix = "/photos/b/" };
        var random = new Random(15);
        int missedOneProbe = 0, missedAllProbes = 0;
        for (var q = 0; q < 20; q++)
        {
            var query = StoreRecords.UnitVector(random, Dimension);
            var expected = StoreRecords.Reference(records, query, 10, filter).Select(e => e.Key).ToHashSet();
            var one = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 10, Filter = filter, EngineParameters = new FaissSearchParameters { NProbe = 1 } });
            var all = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 10, Filter = filter, EngineParameters = new FaissSearchParameters { NProbe = 4 } });
            Assert.All(one, m => Assert.True(filter.Matches(m.Record)));
            missedOneProbe += expected.Count(k => !one.Any(m => m.Record.Key == k));
            missedAllProbes += expected.Count(k => !all.Any(m => m.Record.Key == k));
        }
        Assert.True(missedOneProbe > 0, "one probe missed nothing: the parameters or the filter did not reach FAISS");
        Assert.Equal(0, missedAllProbes);
    }

    [Fact]
    public async Task A_filtered_search_never_returns_deleted_records_of_an_hnsw_index()
    {
        var records = StoreRecords.Make(100, Dimension, seed: 13);
        await using var store = await StoreRecords.OpenAsync(Dimension, "HNSW16");
        await store.UpsertAsync(records);
        var deleted = records.Where((_, i) => i % 4 == 0).Select(r => r.Key).ToList();
        Assert.Equal(deleted.Count, await store.DeleteAsync(deleted));

        var filter = new ImageRecordFilter { KeyPrefix = "/photos/" };
        var found = await store.SearchAsync(records[0].Vector, new ImageStoreSearchOptions { K = 100, Filter = filter });
        var unfiltered = await store.SearchAsync(records[0].Vector, new ImageStoreSearchOptions { K = 100 });

        Assert.Equal(75, found.Count);
        Assert.Equal(75, unfiltered.Count);
        Assert.DoesNotContain(found, m => deleted.Contains(m.Record.Key));
        Assert.DoesNotContain(unfiltered, m => deleted.Contains(m.Record.Key));
    }

    [Fact]
    public async Task MinScore_drops_exactly_the_results_below_it()
    {
        var records = StoreRecords.Make(200, Dimension, seed: 14);
        await using var store = await StoreRecords.OpenAsync(Dimension, "Flat");
        await store.UpsertAsync(records);
        var query = records[3].Vector;
        var all = StoreRecords.Reference(records, query.Span, 200);
        var least = (float)((all[25].Score + all[26].Score) / 2);

        var found = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 200, MinScore = least });
        var filtered = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 200, MinScore = least, Filter = new ImageRecordFilter() });

        Assert.Equal(all.Take(26).Select(e => e.Key), found.Select(m => m.Record.Key));
        Assert.All(found, m => Assert.True(m.Score >= least));
        Assert.Equal(found.Select(m => m.Record.Key), filtered.Select(m => m.Record.Key));
    }
}
