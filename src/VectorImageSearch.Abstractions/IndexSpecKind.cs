namespace VectorImageSearch;

/// <summary>The kind of vector index an <see cref="IndexSpec"/> describes.</summary>
public enum IndexSpecKind
{
    /// <summary>Chosen from the collection size by <see cref="IndexSpec.Resolve"/>.</summary>
    Auto = 0,

    /// <summary>Exact search over every vector (FAISS <c>Flat</c>).</summary>
    Flat = 1,

    /// <summary>Inverted file of full vectors: <c>IVF{nlist},Flat</c>.</summary>
    IvfFlat = 2,

    /// <summary>Inverted file of product-quantised codes, optionally re-ranked exactly: <c>IVF{nlist},PQ{m}x{nbits}np[,RFlat]</c>.</summary>
    IvfPq = 3,

    /// <summary>Hierarchical navigable small-world graph: <c>HNSW{m}</c>.</summary>
    Hnsw = 4,

    /// <summary>Any FAISS factory string, taken as given.</summary>
    Factory = 5,
}
