using Npgsql;
using Pgvector;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>What only the PostgreSQL store has: its schema and migrations, pgvector settings, and SQL safety.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server)
{
    private static readonly ImageStoreSchema Schema16 = new("model-16", 16);

    private PostgresImageRecordStore Create(string schema = "pg_tests_x", string? collection = null, PgvectorIndexOptions? index = null, string? connectionString = null) =>
        new(new PostgresImageStoreOptions
        {
            ConnectionString = connectionString ?? server.ConnectionString,
            Schema = schema == "pg_tests_x" ? "store_tests" : schema,
            Collection = collection ?? "c_" + Guid.NewGuid().ToString("N"),
            Index = index ?? new PgvectorIndexOptions(),
        });

    internal static ImageRecord Record(string key, float[] vector, Dictionary<string, string>? metadata = null) => new()
    {
        Key = key,
        Vector = vector,
        ContentHash = "h-" + key.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
        SizeBytes = 10,
        LastWriteUtc = new DateTime(2025, 5, 1, 12, 0, 0, DateTimeKind.Utc),
        Metadata = metadata ?? [],
    };

    internal static float[] Unit(Random random, int dimension)
    {
        var v = new float[dimension];
        var sum = 0.0;
        for (var i = 0; i < dimension; i++)
        {
            v[i] = (float)(random.NextDouble() * 2 - 1);
            sum += v[i] * v[i];
        }
        for (var i = 0; i < dimension; i++)
        {
            v[i] /= (float)Math.Sqrt(sum);
        }
        return v;
    }

    [Fact]
    public async Task Open_migrates_once_records_the_collection_and_refuses_a_newer_schema()
    {
        var schema = "mig_" + Guid.NewGuid().ToString("N")[..12];
        await using (var store = Create(schema, "photos"))
        {
            await store.OpenAsync(Schema16);
        }
        await using (var again = Create(schema, "photos"))
        {
            await again.OpenAsync(Schema16);
        }
        Assert.Equal(1L, await server.ScalarAsync($"SELECT count(*) FROM {schema}.vis_schema_version"));
        Assert.Equal(1, await server.ScalarAsync($"SELECT max(version) FROM {schema}.vis_schema_version"));
        Assert.Equal("model-16/16/Hnsw/Cosine", await server.ScalarAsync(
            $"SELECT model_fingerprint || '/' || dimension || '/' || index_kind || '/' || distance FROM {schema}.vis_collections WHERE name = 'photos'"));
        Assert.Equal("vector(16)", await server.ScalarAsync(
            $"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{schema}.photos'::regclass AND attname = 'embedding'"));
        Assert.Equal("hnsw", await server.ScalarAsync(
            $"SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = '{schema}.photos'::regclass AND am.amname IN ('hnsw', 'ivfflat')"));

        await server.ExecuteAsync($"INSERT INTO {schema}.vis_schema_version (version, description) VALUES (99, 'from the future')");
        await using var newer = Create(schema, "photos");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.OpenAsync(Schema16));
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Images")]
    [InlineData("1images")]
    [InlineData("my-images")]
    [InlineData("images; DROP TABLE x")]
    [InlineData("images\"")]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("pg_images")]
    [InlineData("vis_collections")]
    [InlineData("ïmages")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Invalid_collection_and_schema_names_are_refused_before_any_SQL(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Create(collection: name));
        Assert.Equal("Collection", e.ParamName);
        if (name != "vis_collections")
        {
            Assert.Equal("Schema", Assert.Throws<ArgumentException>(() => Create(schema: name)).ParamName);
        }
    }

    [Fact]
    public void Valid_names_are_accepted()
    {
        _ = Create(schema: "_s1", collection: "a");
        _ = Create(collection: "a23456789012345678901234567890123456789012345678901234567890123");
    }

    [Fact]
    public async Task Hostile_keys_metadata_and_filters_are_data()
    {
        await using var store = Create();
        await store.OpenAsync(Schema16);
        var random = new Random(5);
        string[] hostile = ["'; DROP TABLE store_tests.x; --", "$1", "\" OR 1=1 --", "\\'", "a%_*?", "key}\"{", "Robert'); DROP TABLE vis_collections;--", "ünïcødé 🖼"];
        var records = hostile.Select((text, i) => Record("/h/" + text + i, Unit(random, 16), new Dictionary<string, string> { [text] = text, ["k"] = text + "\"}" })).ToList();
        await store.UpsertAsync(records);
        Assert.Equal(hostile.Length, await store.CountAsync());
        foreach (var record in records)
        {
            var back = await store.GetAsync(record.Key);
            Assert.NotNull(back);
            Assert.Equal(record.Metadata.OrderBy(p => p.Key), back.Metadata.OrderBy(p => p.Key));
            var hits = await store.SearchAsync(record.Vector, new ImageStoreSearchOptions
            {
                K = 5,
                Filter = new ImageRecordFilter { KeyPrefix = record.Key, Metadata = record.Metadata.ToDictionary() },
                EngineParameters = new PgvectorSearchParameters { Exact = true },
            });
            Assert.Equal(record.Key, Assert.Single(hits).Record.Key);
        }
        Assert.Equal(1, await store.DeleteAsync([records[0].Key, "' OR '1'='1"]));
        Assert.Equal(hostile.Length - 1, await store.CountAsync());
        Assert.Equal(1L, await server.ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'vis_collections' AND schemaname = 'store_tests'"));
    }

    [Fact]
    public async Task A_batch_the_server_rejects_midway_is_rolled_back_whole()
    {
        var collection = "c_" + Guid.NewGuid().ToString("N");
        await using var store = Create(collection: collection);
        await store.OpenAsync(Schema16);
        var random = new Random(3);
        var kept = Record("/keep.jpg", Unit(random, 16)) with { ContentHash = "original" };
        await store.UpsertAsync([kept]);
        // A constraint only the server knows: the failure happens inside the merge, after earlier rows were inserted.
        await server.ExecuteAsync($"ALTER TABLE store_tests.{collection} ADD CONSTRAINT no_poison CHECK (key <> '/m/poison.jpg')");
        var batch = new[] { "/a/1.jpg", "/keep.jpg", "/m/poison.jpg", "/z/2.jpg" }.Select(k => Record(k, Unit(random, 16))).ToList();
        var e = await Assert.ThrowsAsync<PostgresException>(() => store.UpsertAsync(batch));
        Assert.Equal(PostgresErrorCodes.CheckViolation, e.SqlState);
        Assert.Equal(1, await store.CountAsync());
        Assert.Null(await store.GetAsync("/a/1.jpg"));
        Assert.Null(await store.GetAsync("/z/2.jpg"));
        Assert.Equal("original", (await store.GetAsync("/keep.jpg"))!.ContentHash);
        Assert.Equal(1L, await server.ScalarAsync($"SELECT count(*) FROM store_tests.{collection}"));
    }

    [Fact]
    public async Task A_batch_cancelled_while_its_merge_waits_is_rolled_back()
    {
        var collection = "c_" + Guid.NewGuid().ToString("N");
        await using var store = Create(collection: collection);
        await store.OpenAsync(Schema16);
        var random = new Random(4);
        await using var blocker = new NpgsqlConnection(server.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE store_tests.{collection} IN SHARE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        using var cancel = new CancellationTokenSource();
        var upsert = store.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record($"/x/{i}.jpg", Unit(random, 16))).ToList(), cancel.Token);
        for (var i = 0; i < 1200 && await server.ScalarAsync("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO%vis_batch%'") is null; i++)
        {
            await Task.Delay(50);
        }
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upsert);
        await transaction.RollbackAsync();
        Assert.Equal(0, await store.CountAsync());
        await store.UpsertAsync([Record("/after.jpg", Unit(random, 16))]); // the store still works
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_its_name()
    {
        await using var store = Create();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CountAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.OpenAsync("m", 2001));
        await store.OpenAsync(Schema16);
        var random = new Random(1);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Record("/a", Unit(random, 16)), Record("/a", Unit(random, 16))]));
        Assert.Contains("'/a' occurs twice", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Record("/nul\0", Unit(random, 16))]));
        Assert.Contains("NUL", e.Message, StringComparison.Ordinal);
        var nan = Unit(random, 16);
        nan[3] = float.NaN;
        e = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Record("/nan", nan)]));
        Assert.Contains("position 3", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(new float[15], new ImageStoreSearchOptions()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SearchAsync(Unit(random, 16), new ImageStoreSearchOptions { K = 0 }));
        e = await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(Unit(random, 16), new ImageStoreSearchOptions { EngineParameters = new ForeignParameters() }));
        Assert.Contains(nameof(ForeignParameters), e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.SearchAsync(Unit(random, 16), new ImageStoreSearchOptions { EngineParameters = new PgvectorSearchParameters { EfSearch = 0 } }));
        Assert.Equal(0, await store.CountAsync());
    }

    [Fact]
    public async Task A_data_source_without_UseVector_is_named_at_open()
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var store = new PostgresImageRecordStore(new PostgresImageStoreOptions { DataSource = dataSource, Schema = "store_tests", Collection = "c_" + Guid.NewGuid().ToString("N") });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenAsync(Schema16));
        Assert.Contains("UseVector", e.Message, StringComparison.Ordinal);
    }

    private sealed record ForeignParameters : StoreSearchParameters;
}
