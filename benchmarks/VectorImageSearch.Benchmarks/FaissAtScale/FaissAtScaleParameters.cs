using BenchmarkDotNet.Attributes;

namespace VectorImageSearch.Benchmarks.FaissAtScale;

/// <summary>The parameters the at-scale FAISS build and search benchmarks share: collection size and index kind.</summary>
public abstract class FaissAtScaleParameters
{
    /// <summary>"count x dimension".</summary>
    [ParamsSource(nameof(Sizes))]
    public string Size { get; set; } = "100000x512";

    /// <summary>The index kind.</summary>
    [ParamsSource(nameof(Kinds))]
    public string Kind { get; set; } = "flat";

    /// <summary>The sizes.</summary>
    public static IEnumerable<string> Sizes() => FaissAtScaleCase.Sizes();

    /// <summary>The kinds.</summary>
    public static IEnumerable<string> Kinds() => FaissAtScaleCase.Kinds;
}
