namespace VectorImageSearch;

/// <summary>How one search runs: how many results, the least score, which records may match, and engine parameters.</summary>
public sealed record ImageStoreSearchOptions
{
    /// <summary>The largest <see cref="K"/> every store accepts (10,000); stores refuse a larger one with <see cref="ArgumentOutOfRangeException"/>.</summary>
    public const int MaxK = 10_000;

    /// <summary>The most results to return: 1 to <see cref="MaxK"/>.</summary>
    public int K { get; init; } = 10;

    /// <summary>Results below this cosine similarity are dropped; <see langword="null"/> keeps all <see cref="K"/>.</summary>
    public float? MinScore { get; init; }

    /// <summary>Restricts the search to matching records, before the nearest are chosen; <see langword="null"/> searches all.</summary>
    public ImageRecordFilter? Filter { get; init; }

    /// <summary>The engine's own parameters for this search (the store's package defines them); <see langword="null"/> for its defaults.</summary>
    public StoreSearchParameters? EngineParameters { get; init; }
}
