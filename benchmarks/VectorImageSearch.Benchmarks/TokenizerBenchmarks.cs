using BenchmarkDotNet.Attributes;
using VectorImageSearch.Onnx.Text;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// The CLIP tokenizer on a typical caption: with the merge cache warm (the steady state of a search service) and with
/// no cache (every word merged by BPE), into a new array and into caller memory.
/// Run: dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*TokenizerBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private const string Caption = "A photo of a golden retriever puppy playing in the snow with a red ball, while children laugh & the sun sets.";

    private readonly long[] _context = new long[77];
    private ClipTokenizer _cached = null!;
    private ClipTokenizer _uncached = null!;

    /// <summary>Loads both tokenizers and warms the cache of the first.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cached = ClipTokenizer.FromFolder(RepoPaths.ClipTokenizerFixture);
        _uncached = ClipTokenizer.FromFolder(RepoPaths.ClipTokenizerFixture, cacheCapacity: 0);
        _cached.Encode(Caption);
    }

    /// <summary>Ids of the caption, cache warm.</summary>
    [Benchmark(Baseline = true)]
    public int[] EncodeCached() => _cached.Encode(Caption);

    /// <summary>Ids of the caption, every word merged.</summary>
    [Benchmark]
    public int[] EncodeUncached() => _uncached.Encode(Caption);

    /// <summary>The 77-token context written into caller memory, cache warm.</summary>
    [Benchmark]
    public int EncodeContextIntoSpanCached() => _cached.EncodeContext(Caption, _context);

    /// <summary>The 77-token context written into caller memory, every word merged.</summary>
    [Benchmark]
    public int EncodeContextIntoSpanUncached() => _uncached.EncodeContext(Caption, _context);
}
