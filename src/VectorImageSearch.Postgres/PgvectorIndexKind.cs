namespace VectorImageSearch.Postgres;

/// <summary>The pgvector index a collection's vectors are searched through.</summary>
public enum PgvectorIndexKind
{
    /// <summary>A hierarchical navigable small world graph: the best speed/recall trade-off, built incrementally as rows arrive.</summary>
    Hnsw,

    /// <summary>Inverted lists over k-means centres: smaller and faster to build; its lists are trained on the rows present when the index is built, so build (or <c>REINDEX</c>) it after the bulk of the data has arrived.</summary>
    IvfFlat,
}
