using Npgsql;
using static VectorImageSearch.Postgres.Tests.PostgresStoreTests;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>Settings that must reach pgvector, proven by results that change with them (not by their being accepted).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgvectorParameterTests(PostgresServer server)
{
    private const int Rows = 3000;
    private static readonly ImageStoreSchema Schema = new("param-model", 16);

    private async Task<(PostgresImageRecordStore Store, List<ImageRecord> Records)> FillAsync(PgvectorIndexOptions index, Npgsql.NpgsqlDataSource? dataSource = null)
    {
        var store = new PostgresImageRecordStore(new PostgresImageStoreOptions
        {
            ConnectionString = dataSource is null ? server.ConnectionString : null,
            DataSource = dataSource,
            Schema = "param_tests",
            Collection = "c_" + Guid.NewGuid().ToString("N"),
            Index = index,
        });
        await store.OpenAsync(Schema);
        var random = new Random(42);
        var records = Enumerable.Range(0, Rows).Select(i => Record($"/p/{i:D5}.jpg", Unit(random, 16),
            new Dictionary<string, string> { ["tag"] = i % 20 == 0 ? "rare" : "common" })).ToList();
        foreach (var chunk in records.Chunk(1000))
        {
            await store.UpsertAsync(chunk);
        }
        await server.ExecuteAsync("ANALYZE");
        return (store, records);
    }

    [Fact]
    public async Task EfSearch_reaches_HNSW_and_ends_with_its_query()
    {
        // One pooled connection that Npgsql does not reset (DISCARD ALL) when it goes back to the pool: a setting that leaked
        // past its query would still be set on it afterwards.
        var builder = new Npgsql.NpgsqlDataSourceBuilder(server.ConnectionString + ";Maximum Pool Size=1;No Reset On Close=true");
        builder.UseVector();
        await using var dataSource = builder.Build();
        var (store, records) = await FillAsync(new PgvectorIndexOptions(), dataSource);
        await using var _ = store;
        var query = records[7].Vector;
        var narrow = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 10, EngineParameters = new PgvectorSearchParameters { EfSearch = 1 } });
        Assert.Single(narrow); // pgvector returns at most ef_search rows without a filter
        Assert.Equal(records[7].Key, narrow[0].Record.Key);
        await using (var show = dataSource.CreateCommand("SELECT current_setting('hnsw.ef_search')"))
        {
            Assert.Equal("40", await show.ExecuteScalarAsync()); // pgvector's default again
        }
        var byDefault = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 10 });
        Assert.Equal(10, byDefault.Count);
        var exact = await store.SearchAsync(query, new ImageStoreSearchOptions { K = 10, EngineParameters = new PgvectorSearchParameters { EfSearch = 1, Exact = true } });
        Assert.Equal(10, exact.Count);
        await using (var show = dataSource.CreateCommand("SELECT current_setting('enable_indexscan')"))
        {
            Assert.Equal("on", await show.ExecuteScalarAsync());
        }
        var truth = records.OrderByDescending(r => Dot(query.Span, r.Vector.Span)).Take(10).Select(r => r.Key);
        Assert.Equal(truth, exact.Select(h => h.Record.Key));
    }

    [Fact]
    public async Task A_filtered_HNSW_search_scans_on_until_it_has_k()
    {
        var (store, records) = await FillAsync(new PgvectorIndexOptions());
        await using var _ = store;
        var random = new Random(9);
        var filter = new ImageRecordFilter { Metadata = new Dictionary<string, string> { ["tag"] = "rare" } };
        for (var q = 0; q < 5; q++)
        {
            // ef_search 10 over 3,000 rows of which 1 in 20 match: without the iterative scan about one row would come back.
            var hits = await store.SearchAsync(Unit(random, 16), new ImageStoreSearchOptions { K = 10, Filter = filter, EngineParameters = new PgvectorSearchParameters { EfSearch = 10 } });
            Assert.Equal(10, hits.Count);
            Assert.All(hits, h => Assert.Equal("rare", h.Record.Metadata["tag"]));
        }
    }

    [Fact]
    public async Task Probes_reach_IVFFlat()
    {
        var (store, records) = await FillAsync(new PgvectorIndexOptions { Kind = PgvectorIndexKind.IvfFlat, Lists = 30 });
        await using var _ = store;
        var random = new Random(11);
        double Recall(int probes) => Enumerable.Range(0, 20).Select(_ => Unit(random, 16)).Sum(query =>
        {
            var truth = records.OrderByDescending(r => Dot(query, r.Vector.Span)).Take(10).Select(r => r.Key).ToHashSet();
            var hits = store.SearchAsync(query, new ImageStoreSearchOptions { K = 10, EngineParameters = new PgvectorSearchParameters { Probes = probes } }).GetAwaiter().GetResult();
            return hits.Count(h => truth.Contains(h.Record.Key)) / 10.0;
        }) / 20;
        var all = Recall(30);
        var one = Recall(1);
        Assert.Equal(1.0, all, 6);
        Assert.True(one < 0.9, $"recall@10 with 1 of 30 lists probed is {one}");
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
