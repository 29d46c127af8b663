namespace VectorImageSearch.Postgres;

/// <summary>
/// How pgvector compares vectors. The store keeps L2-normalised vectors, so both rank alike and both report cosine
/// similarity as the score; inner product skips pgvector's normalisation and is slightly faster.
/// </summary>
public enum PgvectorDistance
{
    /// <summary>Cosine distance (<c>&lt;=&gt;</c>, <c>vector_cosine_ops</c>).</summary>
    Cosine,

    /// <summary>Negative inner product (<c>&lt;#&gt;</c>, <c>vector_ip_ops</c>).</summary>
    InnerProduct,
}
