using System.Diagnostics;
using System.Globalization;
using VectorImageSearch;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Tests.Data;

// Filtered search and scalar quantisation on the clustered set of docs/indexes.md:
//   dotnet run -c Release --project benchmarks/FaissFilterMeasurements -- 100000 512 200 flat,ivfflat,ivfpqr,hnsw,sq8,sqfp16,ivfsq8
// For each kind: unfiltered recall@10, single queries/s and bytes per vector; then at 1 %, 10 % and 50 % selectivity
// (a random subset of ids) recall@10 against exact filtered search and single queries/s on three paths: the automatic
// choice (exact below VectorSearchOptions.DefaultExactFilterFraction), the filtered walk, and exact over the allowed ids.
// With '--latency FILE' after the kinds: single-query HNSW latency (Latency.cs), building and saving FILE first if absent.
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var d = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 512;
var queryCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
var kinds = (args.Length > 3 ? args[3] : "flat,ivfflat,ivfpqr,hnsw,sq8,sqfp16,ivfsq8").Split(',');
const int K = 10;
var (data, queries) = ClusteredVectors.GenerateWithQueries(n, queryCount, d, seed: 42);
if (args.Length > 4 && args[4] == "--latency")
{
    VectorImageSearch.FaissFilterMeasurements.Latency.Run(args[5], n, d, data, queries, queryCount);
    return 0;
}
var random = new Random(9);
var selectivities = new[] { 0.01, 0.10, 0.50 };
var selectors = selectivities.Select(s => FaissIdSelector.Batch(Enumerable.Range(0, n).Where(_ => random.NextDouble() < s).Select(i => (long)i).ToArray())).ToArray();

using var flat = FaissIndex.Create(d, IndexSpec.Flat(), VectorMetric.InnerProduct, n);
flat.Add(data);
flat.Threads = 1;
var truthAll = SearchAll(flat, null);
var truths = selectors.Select(s => SearchAll(flat, new VectorSearchOptions { Filter = s, ExactFilterFraction = 1 })).ToArray();
Console.WriteLine($"# {n} x {d}, {queryCount} single queries, 1 OpenMP thread, {DateTime.UtcNow:u}, load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine("| kind | index | recall@10 | single q/s | bytes/vector | build s |");
var filterRows = new List<string>();
foreach (var kind in kinds)
{
    var spec = kind switch
    {
        "flat" => IndexSpec.Flat(),
        "ivfflat" => IndexSpec.IvfFlat(),
        "ivfpqr" => IndexSpec.IvfPq(refine: 4),
        "hnsw" => IndexSpec.Hnsw(),
        "sq8" => IndexSpec.Sq8(),
        "sqfp16" => IndexSpec.SqFp16(),
        "ivfsq8" => IndexSpec.IvfSq8(),
        _ => IndexSpec.Factory(kind),
    };
    var clock = Stopwatch.StartNew();
    using var index = kind == "flat" ? null : FaissIndex.Create(d, spec, VectorMetric.InnerProduct, n);
    var target = index ?? flat;
    if (index is not null)
    {
        index.Threads = 1; // OpenMP barriers stall on a shared, oversubscribed machine
        var training = (int)Math.Min(index.RecommendedTrainingCount(n), 30_000);
        if (training > 0)
        {
            index.Train(data, training, seed: 7);
        }
        index.Add(data);
    }
    var build = clock.Elapsed.TotalSeconds;
    target.Threads = 1;
    var (recall, qps) = Measure(target, truthAll, null);
    var bytes = (double)target.ToBytes().Length / n;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | `{target.Description}` | {recall:F4} | {qps:F0} | {bytes:F0} | {build:F0} |"));
    for (var s = 0; s < selectivities.Length; s++)
    {
        var cells = new List<string>();
        foreach (var fraction in new double?[] { null, 0, 1 })
        {
            var (r, q) = Measure(target, truths[s], new VectorSearchOptions { Filter = selectors[s], ExactFilterFraction = fraction });
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{r:F3} @ {q:F0}"));
        }
        filterRows.Add(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {selectivities[s]:P0} | {string.Join(" | ", cells)} |"));
    }
    Console.Out.Flush();
}
Console.WriteLine();
Console.WriteLine("| kind | selectivity | auto: recall@10 @ q/s | filtered walk | exact over allowed ids |");
foreach (var row in filterRows)
{
    Console.WriteLine(row);
}
return 0;

long[] SearchAll(FaissIndex index, VectorSearchOptions? options)
{
    var ids = new long[queryCount * K];
    for (var q = 0; q < queryCount; q++)
    {
        index.Search(queries.AsSpan(q * d, d), K, new float[K], ids.AsSpan(q * K, K), options);
    }
    return ids;
}

(double Recall, double Qps) Measure(FaissIndex index, long[] truth, VectorSearchOptions? options)
{
    _ = SearchAll(index, options); // warm-up
    var clock = Stopwatch.StartNew();
    var found = SearchAll(index, options);
    var qps = queryCount / clock.Elapsed.TotalSeconds;
    long hits = 0, total = 0;
    for (var q = 0; q < queryCount; q++)
    {
        var expected = truth.AsSpan(q * K, K).ToArray().Where(id => id >= 0).ToHashSet();
        total += expected.Count;
        for (var j = 0; j < K; j++)
        {
            if (expected.Contains(found[(q * K) + j]))
            {
                hits++;
            }
        }
    }
    return (total == 0 ? 1 : (double)hits / total, qps);
}
