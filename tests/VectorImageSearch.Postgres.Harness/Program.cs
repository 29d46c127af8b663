using System.Globalization;
using System.Security.Cryptography;
using VectorImageSearch;
using VectorImageSearch.Onnx.Encoders;
using VectorImageSearch.Postgres;

// Usage (the connection string comes from VIS_PG_CONNECTION, never from the command line, where `ps` would show it):
//   index  <schema> <collection> <model folder> <image folder> <batch size> [max batches]
//       Indexes the folder's files that the collection lacks or holds with another content hash, one UpsertAsync per
//       batch; prints "skipped N" first, then "upserting K" before and "committed K" after each batch.
//   watch  <schema> <collection> <model folder> <stop file> <prefix>=<batch size>...
//       Until the stop file exists: lists the collection and runs an exact search over all of it; each folder's count
//       must be a multiple of its batch size (or its final total), and no key may appear twice. Prints "ok N" at the
//       end, or "violation ..." and exits with 3.
var connection = Environment.GetEnvironmentVariable("VIS_PG_CONNECTION")
    ?? throw new InvalidOperationException("Set VIS_PG_CONNECTION to the Npgsql connection string.");
var mode = args[0];
using var encoder = new ClipImageEncoder(args[3]);
await using var store = new PostgresImageRecordStore(new PostgresImageStoreOptions
{
    ConnectionString = connection,
    Schema = args[1],
    Collection = args[2],
});
await store.OpenAsync(new ImageStoreSchema(encoder.ModelFingerprint, encoder.Dimension));
return mode switch
{
    "index" => await IndexAsync(store, encoder, Path.GetFullPath(args[4]), int.Parse(args[5], CultureInfo.InvariantCulture),
        args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : int.MaxValue),
    "watch" => await WatchAsync(store, encoder.Dimension, args[4], args[5..]),
    _ => throw new ArgumentException($"Unknown mode '{mode}'."),
};

static async Task<int> IndexAsync(PostgresImageRecordStore store, ClipImageEncoder encoder, string folder, int batchSize, int maxBatches)
{
    var prefix = folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
    var stored = new Dictionary<string, string>(StringComparer.Ordinal);
    await foreach (var record in store.ListAsync(prefix))
    {
        stored[record.Key] = record.ContentHash;
    }
    var todo = new List<(string Path, string Hash, FileInfo Info)>();
    var skipped = 0;
    foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
        if (stored.TryGetValue(path, out var have) && have == hash)
        {
            skipped++;
            continue;
        }
        todo.Add((path, hash, new FileInfo(path)));
    }
    Console.WriteLine($"skipped {skipped}");
    var batches = 0;
    foreach (var batch in todo.Chunk(batchSize))
    {
        if (batches++ == maxBatches)
        {
            break;
        }
        var vectors = await encoder.EncodeBatchAsync(batch.Select(f => ImageInput.FromFile(f.Path)).ToList());
        var records = batch.Select((f, i) => new ImageRecord
        {
            Key = f.Path,
            Vector = vectors[i],
            ContentHash = f.Hash,
            SizeBytes = f.Info.Length,
            LastWriteUtc = f.Info.LastWriteTimeUtc,
        }).ToList();
        Console.WriteLine($"upserting {records.Count}");
        await store.UpsertAsync(records);
        Console.WriteLine($"committed {records.Count}");
    }
    return 0;
}

static async Task<int> WatchAsync(PostgresImageRecordStore store, int dimension, string stopFile, string[] folders)
{
    var expected = folders.Select(f => f.Split('=')).Select(p => (Prefix: p[0], Batch: int.Parse(p[1], CultureInfo.InvariantCulture),
        Total: Directory.GetFiles(p[0].TrimEnd(Path.DirectorySeparatorChar)).Length)).ToList();
    var random = new Random(1);
    var rounds = 0;
    var nonEmpty = 0;
    while (true)
    {
        var stop = File.Exists(stopFile); // decided before this round's reads, so the last round sees the final state
        var listed = new List<string>();
        await foreach (var record in store.ListAsync())
        {
            listed.Add(record.Key);
        }
        var query = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            query[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var norm = MathF.Sqrt(query.Sum(v => v * v));
        var hits = await store.SearchAsync(query.Select(v => v / norm).ToArray(), new ImageStoreSearchOptions
        {
            K = PostgresImageRecordStore.MaxK,
            EngineParameters = new PgvectorSearchParameters { Exact = true },
        });
        foreach (var (what, keys) in new[] { ("list", listed), ("search", hits.Select(h => h.Record.Key).ToList()) })
        {
            if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
            {
                Console.WriteLine($"violation: a key appears twice in a {what}");
                return 3;
            }
            foreach (var (prefix, batch, total) in expected)
            {
                var count = keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
                if (count % batch != 0 && count != total)
                {
                    Console.WriteLine($"violation: a {what} saw {count} records under {prefix} (batches of {batch}, {total} in all)");
                    return 3;
                }
            }
        }
        rounds++;
        nonEmpty += listed.Count > 0 ? 1 : 0;
        if (stop)
        {
            break;
        }
    }
    Console.WriteLine($"ok {rounds} rounds, {nonEmpty} with records");
    return 0;
}
