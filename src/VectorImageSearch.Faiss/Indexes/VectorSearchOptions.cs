using VectorImageSearch.Faiss;

namespace VectorImageSearch;

/// <summary>Per-call search parameters. They apply to one call only and never change the index's shared state.</summary>
internal sealed record VectorSearchOptions
{
    /// <summary>The default of <see cref="ExactFilterFraction"/>: filters that allow at most 2 % of the vectors are answered exactly.</summary>
    public const double DefaultExactFilterFraction = 0.02;

    /// <summary>IVF indexes: how many cells to visit. <see langword="null"/> keeps the index's default.</summary>
    public int? NProbe { get; init; }

    /// <summary>HNSW indexes: the size of the search's candidate list. <see langword="null"/> keeps the index's default.</summary>
    public int? EfSearch { get; init; }

    /// <summary>Restricts the search to the ids the selector allows; <see langword="null"/> searches every vector.</summary>
    public FaissIdSelector? Filter { get; init; }

    /// <summary>
    /// With a <see cref="Filter"/>: when it allows at most this fraction of the index's vectors, they are compared with the
    /// query directly (exact, and at low selectivity faster than a filtered graph walk or list scan; IVF kinds scan every
    /// list instead). 0 turns this off; <see langword="null"/> uses <see cref="DefaultExactFilterFraction"/>.
    /// </summary>
    public double? ExactFilterFraction { get; init; }
}
