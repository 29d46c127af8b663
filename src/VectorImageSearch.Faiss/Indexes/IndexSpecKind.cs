namespace VectorImageSearch;

/// <summary>The kind of vector index an <see cref="IndexSpec"/> describes.</summary>
internal enum IndexSpecKind
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

    /// <summary>Exact scan of 8-bit scalar-quantised vectors (one byte per dimension, trained ranges): <c>SQ8</c>.</summary>
    Sq8 = 6,

    /// <summary>Exact scan of half-precision vectors (two bytes per dimension, no training): <c>SQfp16</c>.</summary>
    SqFp16 = 7,

    /// <summary>Inverted file of 8-bit scalar-quantised vectors: <c>IVF{nlist},SQ8</c>.</summary>
    IvfSq8 = 8,
}
