namespace VectorImageSearch;

/// <summary>Per-call search parameters. They apply to one call only and never change the index's shared state.</summary>
public sealed record VectorSearchOptions
{
    /// <summary>IVF indexes: how many cells to visit. <see langword="null"/> keeps the index's default.</summary>
    public int? NProbe { get; init; }

    /// <summary>HNSW indexes: the size of the search's candidate list. <see langword="null"/> keeps the index's default.</summary>
    public int? EfSearch { get; init; }
}
