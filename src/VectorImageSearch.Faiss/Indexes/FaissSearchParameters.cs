namespace VectorImageSearch.Faiss;

/// <summary>
/// FAISS's own parameters for one search through the image-record store seam
/// (<see cref="ImageStoreSearchOptions.EngineParameters"/>): they apply to that search only and never change the index.
/// </summary>
public sealed record FaissSearchParameters : StoreSearchParameters
{
    /// <summary>IVF kinds: how many cells to visit. <see langword="null"/> keeps the index's default.</summary>
    public int? NProbe { get; init; }

    /// <summary>HNSW kinds: the size of the search's candidate list. <see langword="null"/> keeps the index's default.</summary>
    public int? EfSearch { get; init; }

    /// <summary>
    /// Filtered searches: when the allowed ids are at most this fraction of the index, they are compared exactly with the
    /// query instead of walking the graph or lists with a filter (exact and, at low selectivity, faster).
    /// <see langword="null"/> keeps the default (0.02, that is 2 %); 0 never does.
    /// </summary>
    public double? ExactFilterFraction { get; init; }

    /// <summary>The same parameters as per-call <see cref="VectorSearchOptions"/> for <see cref="FaissIndex"/>.</summary>
    internal VectorSearchOptions ToSearchOptions() =>
        new() { NProbe = NProbe, EfSearch = EfSearch, ExactFilterFraction = ExactFilterFraction };
}
