using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VectorImageSearch;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Tests.Data;

// Measures each FAISS index kind on clustered synthetic vectors (docs/indexes.md):
//   dotnet run -c Release --project benchmarks/IndexMeasurements -- --n 100000 --d 512 --kinds flat,ivfflat,ivfpq,ivfpqr,hnsw
// Flat runs first and is the exact ground truth for recall@10. Output: one Markdown row per measurement on stdout, and JSON
// lines appended to --out.
var options = ParseArguments(args);
var n = int.Parse(options.GetValueOrDefault("n", "100000"), CultureInfo.InvariantCulture);
var d = int.Parse(options.GetValueOrDefault("d", "512"), CultureInfo.InvariantCulture);
var queryCount = int.Parse(options.GetValueOrDefault("queries", "1000"), CultureInfo.InvariantCulture);
var singleCount = int.Parse(options.GetValueOrDefault("single", "200"), CultureInfo.InvariantCulture);
var kinds = options.GetValueOrDefault("kinds", "flat,ivfflat,ivfpq,ivfpqr,hnsw").Split(',');
var output = options.GetValueOrDefault("out", $"index-measurements-{n}x{d}.jsonl");
var sweep = options.GetValueOrDefault("sweep", "yes") == "yes";
// OpenMP threads for training and adding (0: one per core). On an oversubscribed machine 1 avoids OpenMP barrier stalls.
var buildThreads = int.Parse(options.GetValueOrDefault("build-threads", "0"), CultureInfo.InvariantCulture);
var maxTraining = int.Parse(options.GetValueOrDefault("max-train", "0"), CultureInfo.InvariantCulture);
const int K = 10;

Log($"generating {n} x {d} + {queryCount} queries ({ClusteredVectors.Description}; s = {options.GetValueOrDefault("spread", "0.3")}, σ = {options.GetValueOrDefault("noise", "0.05")})");
var clock = Stopwatch.StartNew();
var spread = float.Parse(options.GetValueOrDefault("spread", "0.3"), CultureInfo.InvariantCulture);
var noise = float.Parse(options.GetValueOrDefault("noise", "0.05"), CultureInfo.InvariantCulture);
var (data, queries) = ClusteredVectors.GenerateWithQueries(n, queryCount, d, seed: 42, spread, noise);
Log($"generated in {clock.Elapsed.TotalSeconds:F1} s");

long[]? truth = null;
foreach (var kind in kinds)
{
    var spec = kind switch
    {
        "flat" => IndexSpec.Flat(),
        "ivfflat" => IndexSpec.IvfFlat(),
        "ivfflat-seed" => IndexSpec.IvfFlat(nlist: (int)Math.Min(Math.Round(Math.Sqrt(n)), n / 39)),
        "ivfpq" => IndexSpec.IvfPq(),
        "ivfpqr" => IndexSpec.IvfPq(refine: 4),
        "hnsw" => IndexSpec.Hnsw(),
        _ => IndexSpec.Factory(kind),
    };
    using var index = FaissIndex.Create(d, spec, VectorMetric.InnerProduct, n);
    index.Threads = buildThreads;
    var trainCount = (int)index.RecommendedTrainingCount(n);
    if (maxTraining > 0 && trainCount > maxTraining)
    {
        trainCount = maxTraining;
    }
    clock.Restart();
    if (trainCount > 0)
    {
        index.Train(data, trainCount, seed: 7);
    }
    var trainSeconds = clock.Elapsed.TotalSeconds;
    Log($"{kind}: {index.Description} trained on {trainCount} in {trainSeconds:F1} s");
    clock.Restart();
    const int AddChunk = 65_536;
    for (var start = 0; start < n; start += AddChunk)
    {
        var rows = Math.Min(AddChunk, n - start);
        index.Add(data.AsSpan(start * d, rows * d));
    }
    var addSeconds = clock.Elapsed.TotalSeconds;
    Log($"{kind}: added {n} in {addSeconds:F1} s");

    var file = Path.Combine(Path.GetTempPath(), $"vis-measure-{Environment.ProcessId}-{kind}.faiss");
    index.Save(file);
    var bytesPerVector = new FileInfo(file).Length / (double)n;
    File.Delete(file);

    if (truth is null)
    {
        if (kind != "flat")
        {
            throw new InvalidOperationException("The first kind must be flat: it is the ground truth.");
        }
        truth = new long[queryCount * K];
        index.Search(queries, K, new float[queryCount * K], truth);
    }

    var settings = new List<VectorSearchOptions?> { null };
    if (sweep && index.IsIvf)
    {
        settings.AddRange(new[] { 1, 2, 4, 8, 16, 32, 64, 128 }.Where(p => p != index.DefaultNProbe).Select(p => (VectorSearchOptions?)new VectorSearchOptions { NProbe = p }));
    }
    if (sweep && index.IsHnsw)
    {
        settings.AddRange(new[] { 16, 32, 128, 256 }.Where(e => e != index.DefaultEfSearch).Select(e => (VectorSearchOptions?)new VectorSearchOptions { EfSearch = e }));
    }
    foreach (var setting in settings)
    {
        var ids = new long[queryCount * K];
        var distances = new float[queryCount * K];
        index.Threads = 0;
        index.Search(queries.AsSpan(0, Math.Min(queryCount, 16) * d), K, distances, ids, setting); // warm-up
        clock.Restart();
        index.Search(queries, K, distances, ids, setting);
        var batchedQps = queryCount / clock.Elapsed.TotalSeconds;
        var recall = Recall(truth, ids, queryCount, K);

        double singleQps = double.NaN;
        if (setting is null || kind != "flat")
        {
            index.Threads = 1;
            var singles = kind == "flat" && n >= 500_000 ? Math.Min(singleCount, 20) : singleCount;
            var one = new long[K];
            var oneDistances = new float[K];
            clock.Restart();
            for (var q = 0; q < singles; q++)
            {
                index.Search(queries.AsSpan(q * d, d), K, oneDistances, one, setting);
            }
            singleQps = singles / clock.Elapsed.TotalSeconds;
            index.Threads = 0;
        }
        var row = new Measurement(kind, index.Description, n, d, queryCount, trainCount, buildThreads, trainSeconds, addSeconds, bytesPerVector,
            setting?.NProbe ?? index.DefaultNProbe, setting?.EfSearch ?? index.DefaultEfSearch, setting is null, recall, batchedQps, singleQps,
            DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture), Environment.ProcessorCount);
        Console.WriteLine(
            $"| {kind} | {row.Description} | nprobe={row.NProbe} ef={row.EfSearch}{(row.IsDefault ? " (default)" : "")} | {recall:F4} | {batchedQps:F0} | {singleQps:F0} | {trainSeconds:F1}+{addSeconds:F1} s | {bytesPerVector:F1} |");
        File.AppendAllText(output, JsonSerializer.Serialize(row) + Environment.NewLine);
    }
}
Log("done");

static double Recall(long[] truth, long[] found, int queries, int k)
{
    long hits = 0;
    for (var q = 0; q < queries; q++)
    {
        var expected = truth.AsSpan(q * k, k);
        foreach (var id in found.AsSpan(q * k, k))
        {
            if (id >= 0 && expected.Contains(id))
            {
                hits++;
            }
        }
    }
    return hits / (double)(queries * k);
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }
    return result;
}

static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

/// <summary>One measured configuration.</summary>
internal sealed record Measurement(
    string Kind, string Description, int N, int Dimension, int Queries, int TrainVectors, int BuildThreads, double TrainSeconds, double AddSeconds,
    double BytesPerVector, int NProbe, int EfSearch, bool IsDefault, double RecallAt10, double BatchedQps, double SingleQps,
    string MeasuredAtUtc, int Cores);
