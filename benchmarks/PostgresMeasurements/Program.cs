using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Npgsql;
using Pgvector;
using VectorImageSearch;
using VectorImageSearch.Faiss.Tests.Data;
using VectorImageSearch.Postgres;

// Measures PostgresImageRecordStore with pgvector HNSW on the clustered set of docs/indexes.md (run through run.sh,
// which starts the server and sets VIS_PG_CONNECTION):
//   bash benchmarks/PostgresMeasurements/run.sh --n 100000 --d 512
// Ingest: the library's UpsertAsync (binary COPY + merge, one transaction per batch) into the collection with its HNSW
// index dropped, then CREATE INDEX (the bulk path), and a sample of UpsertAsync into a collection whose index is kept
// up to date row by row. Search: recall@10 against brute force, queries/s with 1 and 8 clients, and the library against
// the same query sent as raw SQL through Npgsql.
var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var n = Option("n", 100_000);
var d = Option("d", 512);
var queryCount = Option("queries", 1000);
var recallQueries = Option("recall-queries", 200);
var batchSize = Option("batch", 5000);
var incremental = Option("incremental", 5000);
var clients = Option("clients", 8);
const int K = 10;
var connection = Environment.GetEnvironmentVariable("VIS_PG_CONNECTION") ?? throw new InvalidOperationException("set VIS_PG_CONNECTION");

Report($"# pgvector HNSW, {n:N0} × {d}, clustered (s = 0.3, σ = 0.05), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
var clock = Stopwatch.StartNew();
var (data, queries) = ClusteredVectors.GenerateWithQueries(n, queryCount, d, seed: 42);
Log($"generated in {clock.Elapsed.TotalSeconds:F1} s");
var truth = new int[recallQueries][];
Parallel.For(0, recallQueries, q =>
{
    var query = queries.AsSpan(q * d, d);
    var scores = new float[n];
    for (var i = 0; i < n; i++)
    {
        scores[i] = TensorPrimitives.Dot(query, data.AsSpan(i * d, d));
    }
    truth[q] = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).Take(K).ToArray();
});
Log($"exact top {K} of {recallQueries} queries in {clock.Elapsed.TotalSeconds:F1} s");

var builder = new NpgsqlDataSourceBuilder(connection);
builder.UseVector();
await using var raw = builder.Build();
var table = $"clustered_{n}_{d}";
await Execute($"DROP SCHEMA IF EXISTS bench CASCADE");
await using var store = new PostgresImageRecordStore(new PostgresImageStoreOptions
{
    ConnectionString = connection,
    Schema = "bench",
    Collection = table,
    Index = new PgvectorIndexOptions { M = 16, EfConstruction = 64 },
    DefaultSearch = new PgvectorSearchParameters { EfSearch = 40 },
});
await store.OpenAsync("bench-model", d);
await using (var reload = await raw.OpenConnectionAsync())
{
    await reload.ReloadTypesAsync(); // the vector type may be new since this data source's first connection
}

// Bulk path: no index while the rows arrive, then one CREATE INDEX.
var indexName = (string)(await Scalar($"SELECT indexname FROM pg_indexes WHERE schemaname = 'bench' AND tablename = '{table}' AND indexdef LIKE '%hnsw%'"))!;
await Execute($"DROP INDEX bench.{indexName}");
var load = Load();
clock.Restart();
for (var start = 0; start < n; start += batchSize)
{
    await store.UpsertAsync(Records(start, Math.Min(batchSize, n - start)));
}
var ingestSeconds = clock.Elapsed.TotalSeconds;
Report($"- ingest (UpsertAsync: binary COPY + merge, batches of {batchSize:N0}, no vector index): {n:N0} rows in {ingestSeconds:F1} s = **{n / ingestSeconds:N0} rows/s** (load {load} → {Load()})");
load = Load();
clock.Restart();
await Execute($"CREATE INDEX {indexName} ON bench.{table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
Report($"- HNSW build (m 16, ef_construction 64, CREATE INDEX, maintenance_work_mem 1 GB, default parallel workers): **{clock.Elapsed.TotalSeconds:F0} s** (load {load} → {Load()})");
await Execute($"VACUUM ANALYZE bench.{table}");
var total = (long)(await Scalar($"SELECT pg_total_relation_size('bench.{table}')"))!;
var index = (long)(await Scalar($"SELECT pg_relation_size('bench.{indexName}')"))!;
Report($"- size: pg_total_relation_size {total / 1048576.0:N0} MiB = **{total / (double)n:N0} bytes/vector** (HNSW index alone {index / (double)n:N0}, heap + TOAST + key/metadata indexes the rest)");

// Incremental path: the index kept up to date as each batch is merged.
await using (var live = new PostgresImageRecordStore(new PostgresImageStoreOptions { ConnectionString = connection, Schema = "bench", Collection = "incremental" }))
{
    await live.OpenAsync("bench-model", d);
    load = Load();
    clock.Restart();
    for (var start = 0; start < incremental; start += 1000)
    {
        await live.UpsertAsync(Records(start, 1000));
    }
    Report($"- ingest into a collection whose HNSW index is maintained (batches of 1,000, first {incremental:N0} rows): **{incremental / clock.Elapsed.TotalSeconds:N0} rows/s** (load {load} → {Load()})");
}

Report("");
Report("| ef_search | recall@10 | queries/s, 1 client (library) |");
Report("|---|---|---|");
foreach (var ef in new[] { 16, 40, 64, 100, 200 })
{
    var parameters = new PgvectorSearchParameters { EfSearch = ef };
    var found = 0;
    clock.Restart();
    for (var q = 0; q < recallQueries; q++)
    {
        var hits = await store.SearchAsync(Query(q), new ImageStoreSearchOptions { K = K, EngineParameters = parameters });
        var want = truth[q].ToHashSet();
        found += hits.Count(h => want.Contains(IndexOf(h.Record.Key)));
    }
    Report($"| {ef}{(ef == 40 ? "*" : "")} | {found / (double)(recallQueries * K):F4} | {recallQueries / clock.Elapsed.TotalSeconds:N0} |");
}

// Library vs raw SQL, interleaved in rounds so that changes of the machine's load hit both alike.
Report("");
double libSeconds = 0, rawSeconds = 0;
load = Load();
await using (var rawConnection = await raw.OpenConnectionAsync())
{
    await using (var set = new NpgsqlCommand("SET hnsw.ef_search = 40", rawConnection))
    {
        await set.ExecuteNonQueryAsync();
    }
    for (var round = 0; round < 5; round++)
    {
        clock.Restart();
        for (var q = 0; q < queryCount; q++)
        {
            await store.SearchAsync(Query(q), new ImageStoreSearchOptions { K = K });
        }
        libSeconds += clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var q = 0; q < queryCount; q++)
        {
            await RawSearch(rawConnection, q);
        }
        rawSeconds += clock.Elapsed.TotalSeconds;
    }
}
Report($"- 1 client, ef_search 40, {5 * queryCount:N0} queries each: library **{5 * queryCount / libSeconds:N0} q/s**, raw SQL {5 * queryCount / rawSeconds:N0} q/s: overhead **{(libSeconds / rawSeconds - 1) * 100:F1} %** (load {load} → {Load()})");

load = Load();
var libConcurrent = await Concurrent(async client =>
{
    for (var q = 0; q < queryCount; q++)
    {
        await store.SearchAsync(Query(client * 131 + q), new ImageStoreSearchOptions { K = K });
    }
});
var rawConcurrent = await Concurrent(async client =>
{
    await using var c = await raw.OpenConnectionAsync();
    await using (var set = new NpgsqlCommand("SET hnsw.ef_search = 40", c))
    {
        await set.ExecuteNonQueryAsync();
    }
    for (var q = 0; q < queryCount; q++)
    {
        await RawSearch(c, client * 131 + q);
    }
});
Report($"- {clients} clients, ef_search 40: library **{libConcurrent:N0} q/s**, raw SQL {rawConcurrent:N0} q/s (load {load} → {Load()})");
return;

List<ImageRecord> Records(int start, int count) => Enumerable.Range(start, count).Select(i => new ImageRecord
{
    Key = $"/bench/{i:D7}.jpg",
    Vector = data.AsMemory(i * d, d),
    ContentHash = i.ToString("x16", CultureInfo.InvariantCulture),
    SizeBytes = 100_000,
    LastWriteUtc = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i),
}).ToList();

ReadOnlyMemory<float> Query(int q) => queries.AsMemory(q % queryCount * d, d);

static int IndexOf(string key) => int.Parse(key.AsSpan(7, 7), CultureInfo.InvariantCulture);

async Task RawSearch(NpgsqlConnection c, int q)
{
    await using var command = new NpgsqlCommand(
        $"SELECT id, key, content_hash, size_bytes, last_write_utc, metadata, embedding <=> $1 AS distance FROM bench.{table} ORDER BY embedding <=> $1 LIMIT $2", c);
    command.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(Query(q)) });
    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = K });
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        _ = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetDateTime(4), reader.GetString(5), reader.GetDouble(6));
    }
}

// Each client runs queryCount queries (a raw client on one connection of its own); returns queries/s over all clients.
async Task<double> Concurrent(Func<int, Task> client)
{
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => client(c))));
    return clients * queryCount / watch.Elapsed.TotalSeconds;
}

async Task Execute(string sql)
{
    await using var command = raw.CreateCommand(sql);
    await command.ExecuteNonQueryAsync();
}

async Task<object?> Scalar(string sql)
{
    await using var command = raw.CreateCommand(sql);
    return await command.ExecuteScalarAsync();
}

static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static void Report(string line) => Console.WriteLine(line);

static void Log(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
