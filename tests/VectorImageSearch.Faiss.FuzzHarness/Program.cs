// Usage: VectorImageSearch.Faiss.FuzzHarness <mutations per kind> <seed> <work folder>
// Builds a small index of every kind, then mutates its serialised bytes (truncation, bit flips in the header, random
// bytes anywhere, huge or shifted counts) and loads each mutant from bytes (and every eighth from a file, memory-mapped
// where the kind allows), searching it (plain and filtered) when it loads. Before each attempt the mutant is written to
// <work folder>/current.faiss, so a crash leaves its reproducer behind. The last line of output is the summary:
// "mutations=N refused=N loaded=N searchRefused=N otherExceptions=N peakRssMiB=N".
using System.Globalization;
using VectorImageSearch;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.FuzzHarness;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VectorImageSearch.Faiss.FuzzHarness <mutations per kind> <seed> <work folder>");
    return 2;
}
var perKind = int.Parse(args[0], CultureInfo.InvariantCulture);
var seed = int.Parse(args[1], CultureInfo.InvariantCulture);
var work = Directory.CreateDirectory(args[2]).FullName;
var random = new Random(seed);
var counts = new FuzzCounts();
const int Dimension = 16;
var data = new float[1000 * Dimension];
for (var i = 0; i < data.Length; i++)
{
    data[i] = (random.NextSingle() * 2f) - 1f;
}
var query = data.AsSpan(3 * Dimension, Dimension).ToArray();
using var filter = FaissIdSelector.Batch([1, 5, 9, 200, 333]);
string[] kinds = ["Flat", "IVF8,Flat", "IVF8,PQ4x4np", "IVF8,PQ4x4np,RFlat", "HNSW8", "SQ8", "SQfp16", "IVF8,SQ8", "PCA8,Flat", "PQ4x4"];
foreach (var kind in kinds)
{
    byte[] original;
    using (var index = FaissIndex.Create(Dimension, kind, kind.StartsWith("PQ", StringComparison.Ordinal) ? VectorMetric.L2 : VectorMetric.InnerProduct))
    {
        index.Threads = 1; // OpenMP and OpenBLAS threads stall each other on a busy machine (docs/indexes.md)
        index.Train(data);
        index.Add(data);
        original = index.ToBytes();
    }
    counts.Attempt(original, work, query, filter, fromFile: false, memoryMap: false, kind);
    if (counts.Loaded == 0)
    {
        Console.Error.WriteLine($"the unmutated '{kind}' index did not load");
        return 3;
    }
    for (var m = 0; m < perKind; m++)
    {
        var mutant = Mutator.Mutate(original, random);
        var fromFile = m % 8 == 0;
        counts.Attempt(mutant, work, query, filter, fromFile, memoryMap: fromFile && m % 16 == 0, kind);
    }
}
Console.WriteLine(counts.Summary());
return 0;
