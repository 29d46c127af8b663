namespace VectorImageSearch;

/// <summary>
/// What an automatic index must achieve: at most <see cref="MemoryBytes"/> of index, at least <see cref="TargetRecall"/>
/// recall@<see cref="RecallK"/> against exact search on a sample of queries, and optionally at most
/// <see cref="MaxQueryLatency"/> per single query. The FAISS store picks the kind by the memory each needs and
/// tunes nprobe / efSearch until the recall is met. Bindable from configuration (<c>"MemoryBytes": 2000000000,
/// "TargetRecall": 0.95</c>).
/// </summary>
public sealed record IndexBudget
{
    /// <summary>The default number of neighbours recall is measured at.</summary>
    public const int DefaultRecallK = 10;

    /// <summary>The default number of tuning queries taken from the indexed vectors when no query sample is given.</summary>
    public const int DefaultTuningQueries = 200;

    /// <summary>The most bytes the index may take at the expected count (its serialised size: vectors or codes, ids, graph, lists); 0 for no limit.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>The least recall@<see cref="RecallK"/> against exact search, above 0 and at most 1; 0 keeps the defaults' recall (0.95).</summary>
    public double TargetRecall { get; init; }

    /// <summary>The number of neighbours recall is measured at (1 to 1,024).</summary>
    public int RecallK { get; init; } = DefaultRecallK;

    /// <summary>The longest median time of one single-threaded query; <see cref="TimeSpan.Zero"/> for no limit. Measured, so not reproducible across machines.</summary>
    public TimeSpan MaxQueryLatency { get; init; }

    /// <summary>How many indexed vectors are held back as tuning queries when no query sample is given (at most a tenth of the collection).</summary>
    public int TuningQueries { get; init; } = DefaultTuningQueries;

    /// <summary>The recall the chooser aims at: <see cref="TargetRecall"/>, or 0.95 when it is 0.</summary>
    internal double EffectiveRecall => TargetRecall > 0 ? TargetRecall : 0.95;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (the message names it).</exception>
    internal void Validate()
    {
        if (MemoryBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MemoryBytes), MemoryBytes, "IndexBudget.MemoryBytes must be 0 (no limit) or positive.");
        }
        if (!(TargetRecall >= 0 && TargetRecall <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetRecall), TargetRecall, "IndexBudget.TargetRecall must be between 0 and 1.");
        }
        if (RecallK is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(RecallK), RecallK, "IndexBudget.RecallK must be between 1 and 1024.");
        }
        if (MaxQueryLatency < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueryLatency), MaxQueryLatency, "IndexBudget.MaxQueryLatency must not be negative.");
        }
        if (TuningQueries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TuningQueries), TuningQueries, "IndexBudget.TuningQueries must be at least 1.");
        }
    }
}
