namespace VectorImageSearch.Postgres;

/// <summary>
/// pgvector's own parameters for one search, set with <c>SET LOCAL</c> semantics (<c>set_config(…, true)</c>) in the
/// search's transaction, so they never leak to other queries on a pooled connection.
/// </summary>
public sealed record PgvectorSearchParameters : StoreSearchParameters
{
    /// <summary>HNSW: the candidate list size of a search (<c>hnsw.ef_search</c>, 1 to 1000); <see langword="null"/> for the store's default. More finds more of the true neighbours, slower. Without a filter a search returns at most this many rows.</summary>
    public int? EfSearch { get; init; }

    /// <summary>IVFFlat: how many inverted lists a search visits (<c>ivfflat.probes</c>, 1 to 32768); <see langword="null"/> for the store's default.</summary>
    public int? Probes { get; init; }

    /// <summary>
    /// Skip the vector index and compare the query with every matching row (exact, slower on large collections; fast when
    /// a selective filter leaves few rows). <see langword="null"/> for the store's default.
    /// </summary>
    public bool? Exact { get; init; }

    internal void Validate(string name)
    {
        if (EfSearch is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(name, EfSearch, "EfSearch (hnsw.ef_search) must be between 1 and 1000.");
        }
        if (Probes is < 1 or > 32768)
        {
            throw new ArgumentOutOfRangeException(name, Probes, "Probes (ivfflat.probes) must be between 1 and 32768.");
        }
    }
}
