using System.Diagnostics;
using System.Numerics.Tensors;
using VectorImageSearch;
using VectorImageSearch.Tests.Shared;
using VectorImageSearch.Faiss.Tests.Data;

// Usage: DuplicateMeasurements [count=100000] [dimension=512] [spec=IVF1024,Flat] [threshold=0.99]
var count = args.Length > 0 ? int.Parse(args[0]) : 100_000;
var dimension = args.Length > 1 ? int.Parse(args[1]) : 512;
var spec = args.Length > 2 ? args[2] : "IVF1024,Flat";
var threshold = args.Length > 3 ? float.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0.99f;
const int PlantedGroups = 500;

// Clustered vectors; then 500 groups of 2-4 near copies (normalise(x + 0.05·ε/√d), cosine ≈ 0.9988 to x) overwrite rows at the end.
var vectors = ClusteredVectors.Generate(count, dimension, Math.Max(16, count / 500), seed: 7);
var random = new Random(8);
var planted = new List<HashSet<int>>();
var originals = new HashSet<int>();
var next = count;
for (var g = 0; g < PlantedGroups; g++)
{
    var size = 2 + (g % 3);
    next -= size - 1;
    int original;
    do
    {
        original = random.Next(0, count - PlantedGroups * 4); // distinct originals, so planted groups never merge
    }
    while (!originals.Add(original));
    var group = new HashSet<int> { original };
    for (var c = 0; c < size - 1; c++)
    {
        var row = next + c;
        var copy = vectors.AsSpan(row * dimension, dimension);
        vectors.AsSpan(original * dimension, dimension).CopyTo(copy);
        for (var i = 0; i < dimension; i++)
        {
            copy[i] += (float)(0.05 * Gaussian(random) / Math.Sqrt(dimension));
        }
        TensorPrimitives.Divide(copy, TensorPrimitives.Norm(copy), copy);
        group.Add(row);
    }
    planted.Add(group);
}

await using var store = new VectorImageSearch.Faiss.FaissImageStore(new VectorImageSearch.Faiss.FaissImageStoreOptions { IndexSpec = spec });
var encoder = new VectorsOnlyEncoder(dimension);
await store.OpenAsync(encoder.ModelFingerprint, dimension);
var load = Stopwatch.StartNew();
for (var start = 0; start < count; start += 10_000)
{
    var batch = new List<ImageRecord>();
    for (var row = start; row < Math.Min(count, start + 10_000); row++)
    {
        batch.Add(new ImageRecord { Key = $"img{row:D6}", Vector = vectors.AsMemory(row * dimension, dimension), ContentHash = $"{row:x16}" });
    }
    await store.UpsertAsync(batch);
}
await store.ReorganiseAsync();
Console.WriteLine($"{count} vectors of {dimension} floats in {store.IndexDescription}, loaded and trained in {load.Elapsed.TotalSeconds:F1} s");

using var search = new ImageSearchEngine(encoder, null, store, new ImageSearchOptions());
var scan = Stopwatch.StartNew();
var groups = new List<IReadOnlyList<SearchHit>>();
await foreach (var group in search.FindDuplicatesAsync(threshold))
{
    groups.Add(group);
}
scan.Stop();

var found = groups.Select(g => g.Select(h => int.Parse(h.Key.AsSpan(3))).ToHashSet()).ToList();
var exact = planted.Count(p => found.Any(f => f.SetEquals(p)));
var spurious = found.Count(f => !planted.Any(p => p.SetEquals(f)));
Console.WriteLine($"FindDuplicatesAsync(threshold {threshold}): {scan.Elapsed.TotalSeconds:F1} s, {groups.Count} groups; " +
    $"{exact}/{planted.Count} planted groups found exactly, {spurious} other groups; {Environment.ProcessorCount} cores");
return exact == planted.Count && spurious == 0 ? 0 : 1;

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
