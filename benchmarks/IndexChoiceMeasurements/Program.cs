using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Tests.Data;

// Compares index choice rules on clustered vectors with text-like queries (docs/indexes.md, "Choosing under a budget"):
//   dotnet run -c Release --project benchmarks/IndexChoiceMeasurements -- --n 100000 --d 512 --budgets 1000000000,100000000 --target 0.95
// Rules: "seed" (IVF with round(√N) cells, FAISS's nprobe 1, trained on everything), "size" (IndexSpec.Auto(N): Flat up to
// 50k, IVF √N with nprobe max(8, nlist/32)), "budget" (IndexChooser under each budget, tuned on --tune text-like queries),
// "autofaiss" (criteo autofaiss's index-key rules for each budget, its parameter tuned on indexed vectors as queries to the
// same target, as autofaiss tunes on its own vectors). Every rule is measured on the same --eval text-like queries (never
// used for tuning) and --eval image queries. Output: Markdown rows on stdout, JSON lines appended to --out.
var o = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    o[args[i].TrimStart('-')] = args[i + 1];
}
string Get(string key, string fallback) => o.GetValueOrDefault(key, fallback);
var n = int.Parse(Get("n", "100000"), CultureInfo.InvariantCulture);
var d = int.Parse(Get("d", "512"), CultureInfo.InvariantCulture);
var evalCount = int.Parse(Get("eval", "1000"), CultureInfo.InvariantCulture);
var tuneCount = int.Parse(Get("tune", "200"), CultureInfo.InvariantCulture);
var singles = int.Parse(Get("singles", "200"), CultureInfo.InvariantCulture);
var target = double.Parse(Get("target", "0.95"), CultureInfo.InvariantCulture);
var budgets = Get("budgets", "1000000000,100000000").Split(',').Select(b => long.Parse(b, CultureInfo.InvariantCulture)).ToArray();
var rules = Get("rules", "seed,size,budget,autofaiss").Split(',');
var output = Get("out", $"index-choice-{n}x{d}.jsonl");
const int K = 10;

Log($"generating {n} x {d}, {evalCount} image queries, {tuneCount} + {evalCount} text-like queries ({ClusteredVectors.TextLikeDescription})");
var (data, imageQueries, text) = ClusteredVectors.GenerateWithTextLikeQueries(n, evalCount, tuneCount + evalCount, d, seed: 42);
var tuning = text.AsSpan(0, tuneCount * d).ToArray();
var textQueries = text.AsSpan(tuneCount * d).ToArray();
var ids = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
long[] textTruth, imageTruth;
using (var exact = FaissIndex.Create(d, IndexSpec.Flat()))
{
    exact.Add(data);
    textTruth = Search(exact, textQueries, null);
    imageTruth = Search(exact, imageQueries, null);
}
Log("ground truth done");

foreach (var rule in rules)
{
    var perBudget = rule is "budget" or "autofaiss";
    foreach (var budget in perBudget ? budgets : [0L])
    {
        try
        {
            Measure(rule, budget);
        }
        catch (Exception e) when (e is InvalidOperationException or FaissException or NotSupportedException)
        {
            Log($"{rule} @ {budget}: {e.Message}");
            Console.WriteLine($"| {n:N0} | {rule} | {budget:N0} | none: {e.Message.Split(". ")[0]} | | | | | | | |");
        }
    }
}
Log("done");

void Measure(string rule, long budget)
{
    var clock = Stopwatch.StartNew();
    FaissIndex index;
    string parameter;
    string note = string.Empty;
    switch (rule)
    {
        case "seed":
        {
            var nlist = (int)Math.Clamp(Math.Round(Math.Sqrt(n)), 1, Math.Max(1, n / 39));
            index = FaissIndex.Create(d, IndexSpec.IvfFlat(nlist, nprobe: 1), VectorMetric.InnerProduct, n);
            index.Train(data);
            index.Add(data, ids);
            parameter = "nprobe 1";
            break;
        }
        case "size":
        {
            var spec = IndexSpec.Auto(n).Resolve(n, d);
            index = FaissIndex.Create(d, spec, VectorMetric.InnerProduct, n);
            if (!index.IsTrained)
            {
                index.Train(data, (int)spec.RecommendedTrainingCount(n, d), seed: 7);
            }
            index.Add(data, ids);
            parameter = index.IsIvf ? $"nprobe {index.DefaultNProbe}" : "exact";
            break;
        }
        case "budget":
        {
            index = IndexChooser.ChooseAndBuild(IndexSpec.Auto(n, new IndexBudget { MemoryBytes = budget, TargetRecall = target }), data, ids, tuning, d,
                VectorMetric.InnerProduct, NullLogger.Instance, out var choice);
            parameter = choice.Spec.Kind == IndexSpecKind.Hnsw ? $"efSearch {choice.Spec.EfSearch}" : index.IsIvf ? $"nprobe {choice.Spec.NProbe}" : "exact";
            note = $"tuning recall {choice.Recall:F4}";
            break;
        }
        case "autofaiss":
        {
            var key = AutofaissKey(n, d, budget);
            index = FaissIndex.Create(d, key, VectorMetric.InnerProduct);
            if (!index.IsTrained)
            {
                // autofaiss trains on 100 points per IVF cell (at most N).
                var cells = int.Parse(System.Text.RegularExpressions.Regex.Match(key, @"IVF(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
                index.Train(data, Math.Min(n, 100 * cells), seed: 7);
            }
            index.Add(data, ids);
            parameter = TuneOnIndexedVectors(index, out note);
            break;
        }
        default:
            throw new ArgumentException($"unknown rule {rule}");
    }
    using (index)
    {
        var buildSeconds = clock.Elapsed.TotalSeconds;
        var bytes = index.SerializedSize();
        var distances = new float[evalCount * K];
        var found = new long[evalCount * K];
        index.Search(textQueries.AsSpan(0, Math.Min(evalCount, 16) * d), K, distances.AsSpan(0, Math.Min(evalCount, 16) * K), found.AsSpan(0, Math.Min(evalCount, 16) * K));
        clock.Restart();
        index.Search(textQueries, K, distances, found);
        var batchedQps = evalCount / clock.Elapsed.TotalSeconds;
        var textRecall = Recall(textTruth, found);
        var imageRecall = Recall(imageTruth, Search(index, imageQueries, null));
        index.Threads = 1;
        var one = new long[K];
        var oneDistances = new float[K];
        var count = Math.Min(singles, evalCount);
        clock.Restart();
        for (var q = 0; q < count; q++)
        {
            index.Search(textQueries.AsSpan(q * d, d), K, oneDistances, one);
        }
        var singleQps = count / clock.Elapsed.TotalSeconds;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine(
            $"| {n:N0} | {rule} | {(budget > 0 ? budget.ToString("N0", CultureInfo.InvariantCulture) : "–")} | `{index.Description}` | {parameter} | {bytes:N0} | {textRecall:F4} | {imageRecall:F4} | {batchedQps:N0} | {singleQps:N0} | {buildSeconds:F0} s | {note} (load {load}) |");
        File.AppendAllText(output, JsonSerializer.Serialize(new
        {
            rule, budget, n, d, description = index.Description, parameter, bytes, textRecall, imageRecall, batchedQps, singleQps, buildSeconds, note,
            target, load, utc = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
        }) + Environment.NewLine);
    }
}

// autofaiss's index key for N vectors of dimension d under a memory budget (restated from criteo/autofaiss's
// get_optimal_index_keys_v2 and get_optimal_quantization; flat and small-N special cases left out as N ≥ 10,000 here).
static string AutofaissKey(long count, int dimension, long budget)
{
    var m = (int)Math.Floor((budget / (4.0 * count) - dimension) / 2);
    if (m >= 8)
    {
        return $"HNSW{Math.Min(m, 32)}";
    }
    var cells = (int)Math.Pow(2, Math.Round(Math.Log2(4 * Math.Sqrt(count))));
    if (count < 1_000_000 && count * (4L * dimension + 8) + cells * 4L * dimension <= budget)
    {
        return $"IVF{cells},Flat";
    }
    var ratio = 4.0 * count * dimension / budget;
    foreach (var pq in new[] { 256, 128, 64, 48, 32, 24, 16, 8, 4 })
    {
        if (pq < dimension && 4.0 * dimension / (pq + 8) >= ratio)
        {
            var y = (Math.Min(dimension / pq, 6) + 1) * pq;
            var ivf = count < 1_000_000 ? cells : 16_384;
            return $"OPQ{pq}_{y},IVF{ivf}{(ivf < 1000 ? string.Empty : "_HNSW32")},PQ{pq}x8";
        }
    }
    throw new InvalidOperationException($"autofaiss's rules find no index for {count} x {dimension} in {budget} bytes");
}

// autofaiss tunes on the indexed vectors themselves; here: the first --tune indexed vectors as queries, the smallest
// parameter on a doubling ladder whose recall@10 against exact search (self included, as autofaiss's) meets the target.
string TuneOnIndexedVectors(FaissIndex index, out string note)
{
    var self = data.AsSpan(0, tuneCount * d).ToArray();
    long[] truth;
    using (var exact = FaissIndex.Create(d, IndexSpec.Flat()))
    {
        exact.Add(data);
        truth = Search(exact, self, null);
    }
    var isHnsw = index.IsHnsw;
    if (!isHnsw && !index.IsIvf)
    {
        note = "no parameter";
        return "–";
    }
    var ceiling = isHnsw ? 4096 : Math.Max(1, int.Parse(System.Text.RegularExpressions.Regex.Match(index.Description, @"IVF(\d+)").Groups[1].Value, CultureInfo.InvariantCulture));
    for (var value = isHnsw ? 16 : 1; ; value = Math.Min(value * 2, ceiling))
    {
        var options = isHnsw ? new VectorSearchOptions { EfSearch = value } : new VectorSearchOptions { NProbe = value };
        var recall = Recall(truth, Search(index, self, options), self.Length / d);
        if (recall >= target || value == ceiling)
        {
            index.SetDefaultSearchOptions(nprobe: isHnsw ? null : value, efSearch: isHnsw ? value : null);
            note = $"recall on indexed vectors {recall:F4}";
            return isHnsw ? $"efSearch {value}" : $"nprobe {value}";
        }
    }
}

long[] Search(FaissIndex index, float[] queries, VectorSearchOptions? options)
{
    var count = queries.Length / d;
    var result = new long[count * K];
    index.Search(queries, K, new float[count * K], result, options);
    return result;
}

double Recall(long[] truth, long[] found, int queries = -1)
{
    var count = queries > 0 ? queries : evalCount;
    long hits = 0;
    for (var q = 0; q < count; q++)
    {
        var expected = truth.AsSpan(q * K, K);
        foreach (var id in found.AsSpan(q * K, K))
        {
            if (id >= 0 && expected.Contains(id))
            {
                hits++;
            }
        }
    }
    return hits / (double)(count * K);
}

static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
