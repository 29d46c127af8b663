using System.Globalization;

using VectorImageSearch.Faiss;

namespace VectorImageSearch;

/// <summary>
/// What <see cref="IndexChooser"/> chose under an <see cref="IndexBudget"/>, and what it measured: the spec with its tuned
/// search parameter, its bytes, the recall it reached on the tuning queries, and why the kinds before it were passed over.
/// </summary>
internal sealed record IndexChoice
{
    /// <summary>The chosen spec, every automatic value filled, <see cref="IndexSpec.NProbe"/> or <see cref="IndexSpec.EfSearch"/> tuned.</summary>
    public required IndexSpec Spec { get; init; }

    /// <summary>The FAISS factory string of the chosen index.</summary>
    public required string FactoryString { get; init; }

    /// <summary>The budget it was chosen under.</summary>
    public required IndexBudget Budget { get; init; }

    /// <summary>The number of vectors the index was built and tuned on.</summary>
    public required long VectorCount { get; init; }

    /// <summary>The number of vectors the memory was checked for (the larger of the expected count and <see cref="VectorCount"/>).</summary>
    public required long ExpectedCount { get; init; }

    /// <summary>The index's serialised size at <see cref="VectorCount"/> vectors, measured.</summary>
    public required long MeasuredBytes { get; init; }

    /// <summary>The bytes expected at <see cref="ExpectedCount"/>: the measured size plus the estimated cost of the vectors still to come.</summary>
    public required long ProjectedBytes { get; init; }

    /// <summary>The recall@<see cref="IndexBudget.RecallK"/> reached on the tuning queries with the tuned parameter.</summary>
    public required double Recall { get; init; }

    /// <summary>
    /// The one-sided 95 % lower confidence bound of <see cref="Recall"/> (mean less 1.645 standard errors of the per-query
    /// recalls); the chooser requires this bound, not the mean, to meet the target, so that new queries meet it too.
    /// </summary>
    public required double RecallLowerBound { get; init; }

    /// <summary>The number of tuning queries.</summary>
    public required int QueryCount { get; init; }

    /// <summary>Where the tuning queries came from: <c>"queries"</c> (given, such as text embeddings) or <c>"held-back vectors"</c>.</summary>
    public required string QuerySource { get; init; }

    /// <summary>The median single-threaded query time with the tuned parameter, when a latency limit was set; otherwise <see langword="null"/>.</summary>
    public TimeSpan? MedianLatency { get; init; }

    /// <summary>One line for each kind tried or skipped before the chosen one, saying why (for logs and the manifest).</summary>
    public IReadOnlyList<string> Rejected { get; init; } = [];

    /// <summary>The tuned search parameter in words: <c>"nprobe 12"</c>, <c>"efSearch 96"</c> or <c>"exact"</c> / <c>"no parameter"</c>.</summary>
    public string Parameter => Spec.Kind switch
    {
        IndexSpecKind.IvfFlat or IndexSpecKind.IvfSq8 or IndexSpecKind.IvfPq => string.Create(CultureInfo.InvariantCulture, $"nprobe {Spec.NProbe}"),
        IndexSpecKind.Hnsw => string.Create(CultureInfo.InvariantCulture, $"efSearch {Spec.EfSearch}"),
        IndexSpecKind.Flat => "exact",
        _ => "no parameter",
    };

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{FactoryString} ({Parameter}): recall@{Budget.RecallK} {Recall:F4} (95 % lower bound {RecallLowerBound:F4}) on {QueryCount} {QuerySource}, {MeasuredBytes:N0} bytes at {VectorCount:N0} vectors, {ProjectedBytes:N0} projected at {ExpectedCount:N0}");
}
