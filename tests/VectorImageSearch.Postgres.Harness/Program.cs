using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch;
using VectorImageSearch.Postgres;

// Usage (the connection string comes from VIS_PG_CONNECTION, never from the command line, where `ps` would show it):
//   index  <schema> <collection> <model folder> <image folder> <batch size> [max batches]
//       Indexes the folder through the image search, as an application does
//       (AddImageSearch().AddClip(model).UsePostgres(...), IndexDirectoryAsync with BatchSize = batch size: one
//       UpsertAsync per batch); prints "committed K" after each batch and "skipped N" (files found unchanged) at the end.
//       With max batches, stops (cancels the run) after that many batches. VIS_DECODE_PARALLELISM sets the decoders.
//   watch  <schema> <collection> <model folder> <stop file> <prefix>=<batch size>...
//       Until the stop file exists: lists the collection and runs an exact search over all of it through the image
//       search's store; each folder's count must be a multiple of its batch size (or its final total), and no key may
//       appear twice. Prints "ok N" at the end, or "violation ..." and exits with 3.
var connection = Environment.GetEnvironmentVariable("VIS_PG_CONNECTION")
    ?? throw new InvalidOperationException("Set VIS_PG_CONNECTION to the Npgsql connection string.");
var mode = args[0];
var batchSize = mode == "index" ? int.Parse(args[5], CultureInfo.InvariantCulture) : 16;
var services = new ServiceCollection();
services.AddImageSearch()
    .AddClip(args[3])
    .Configure(o =>
    {
        o.BatchSize = batchSize;
        // VIS_DECODE_PARALLELISM=1: one decoder, so that batches commit in the folder's name order (the kill test).
        if (int.TryParse(Environment.GetEnvironmentVariable("VIS_DECODE_PARALLELISM"), CultureInfo.InvariantCulture, out var decoders))
        {
            o.DecodeParallelism = decoders;
        }
    })
    .UsePostgres(connection, o =>
    {
        o.Schema = args[1];
        o.Collection = args[2];
    });
await using var provider = services.BuildServiceProvider();
var engine = provider.GetRequiredService<IImageSearch>();
return mode switch
{
    "index" => await IndexAsync(engine, Path.GetFullPath(args[4]), args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : int.MaxValue),
    "watch" => await WatchAsync(engine, provider.GetRequiredService<IImageRecordStore>(), provider.GetRequiredService<IImageEncoder>().Dimension, args[4], args[5..]),
    _ => throw new ArgumentException($"Unknown mode '{mode}'."),
};

static async Task<int> IndexAsync(IImageSearch engine, string folder, int maxBatches)
{
    using var stop = new CancellationTokenSource();
    var progress = new BatchPrinter(maxBatches, stop);
    try
    {
        var report = await engine.IndexDirectoryAsync(folder, progress, stop.Token);
        Console.WriteLine($"skipped {report.Unchanged}");
        return report.Failures.Count == 0 ? 0 : 4;
    }
    catch (OperationCanceledException) when (progress.Batches == maxBatches)
    {
        Console.WriteLine($"stopped after {maxBatches} batches");
        return 0;
    }
}

static async Task<int> WatchAsync(IImageSearch engine, IImageRecordStore store, int dimension, string stopFile, string[] folders)
{
    await engine.LoadAsync(); // a database store is only opened (created, or checked against the model)
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
            K = ImageStoreSearchOptions.MaxK,
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

/// <summary>
/// The image search reports progress synchronously after every committed batch: prints the batch and cancels the run
/// once <paramref name="maxBatches"/> have committed (the run stops before it encodes the next one).
/// </summary>
internal sealed class BatchPrinter(int maxBatches, CancellationTokenSource stop) : IProgress<IndexingProgress>
{
    private int _encoded;

    public int Batches { get; private set; }

    public void Report(IndexingProgress value)
    {
        if (value.Encoded == _encoded)
        {
            return;
        }
        Console.WriteLine($"committed {value.Encoded - _encoded}");
        _encoded = value.Encoded;
        if (++Batches == maxBatches)
        {
            stop.Cancel();
        }
    }
}
