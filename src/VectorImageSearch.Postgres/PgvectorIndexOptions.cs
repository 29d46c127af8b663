namespace VectorImageSearch.Postgres;

/// <summary>
/// The vector index a new collection gets. An existing collection keeps the index it was created with (the store logs a
/// warning when these options differ from it).
/// </summary>
public sealed record PgvectorIndexOptions
{
    /// <summary>HNSW (the default) or IVFFlat.</summary>
    public PgvectorIndexKind Kind { get; init; } = PgvectorIndexKind.Hnsw;

    /// <summary>Cosine (the default) or inner product.</summary>
    public PgvectorDistance Distance { get; init; } = PgvectorDistance.Cosine;

    /// <summary>HNSW: the most neighbours of a node per layer (pgvector's <c>m</c>, 2 to 100; default 16).</summary>
    public int M { get; init; } = 16;

    /// <summary>HNSW: the candidate list size while building (pgvector's <c>ef_construction</c>, 4 to 1000 and at least 2·<see cref="M"/>; default 64).</summary>
    public int EfConstruction { get; init; } = 64;

    /// <summary>IVFFlat: the number of inverted lists (pgvector's <c>lists</c>, 1 to 32768; default 100; pgvector suggests rows / 1000).</summary>
    public int Lists { get; init; } = 100;

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown pgvector index kind.");
        }
        if (!Enum.IsDefined(Distance))
        {
            throw new ArgumentOutOfRangeException(nameof(Distance), Distance, "Unknown pgvector distance.");
        }
        if (M is < 2 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, "HNSW m must be between 2 and 100.");
        }
        if (EfConstruction is < 4 or > 1000 || EfConstruction < 2 * M)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, $"HNSW ef_construction must be between 4 and 1000 and at least 2·m ({2 * M}).");
        }
        if (Lists is < 1 or > 32768)
        {
            throw new ArgumentOutOfRangeException(nameof(Lists), Lists, "IVFFlat lists must be between 1 and 32768.");
        }
    }
}
