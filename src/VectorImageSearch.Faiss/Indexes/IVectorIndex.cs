namespace VectorImageSearch;

/// <summary>
/// A store of fixed-length float vectors under int64 ids that finds the nearest ones to a query.
/// Many searches may run at once; training, adding and removing are exclusive with them.
/// </summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>The length of every vector.</summary>
    int Dimension { get; }

    /// <summary>How vectors are compared.</summary>
    VectorMetric Metric { get; }

    /// <summary>The number of vectors held.</summary>
    long Count { get; }

    /// <summary>Whether the index can accept vectors (IVF and PQ indexes must be trained first).</summary>
    bool IsTrained { get; }

    /// <summary>The FAISS factory string, or another engine's description, of this index.</summary>
    string Description { get; }

    /// <summary>Trains the index on <paramref name="vectors"/> (a multiple of <see cref="Dimension"/> floats).</summary>
    void Train(ReadOnlySpan<float> vectors);

    /// <summary>Adds vectors (a multiple of <see cref="Dimension"/> floats) under the given ids, one id per vector.</summary>
    void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids);

    /// <summary>Removes the vectors with these ids; returns how many were removed.</summary>
    /// <exception cref="NotSupportedException">This kind of index cannot remove vectors.</exception>
    long Remove(ReadOnlySpan<long> ids);

    /// <summary>
    /// Searches for the <paramref name="k"/> nearest neighbours of each query (a multiple of <see cref="Dimension"/> floats),
    /// writing query-major results; a missing neighbour has id -1.
    /// </summary>
    void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> ids, VectorSearchOptions? options = null);

    /// <summary>The <paramref name="k"/> nearest neighbours of one query, closest first, without missing entries.</summary>
    IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, VectorSearchOptions? options = null);

    /// <summary>Writes the index to <paramref name="path"/> atomically: the previous file survives a crash mid-write.</summary>
    void Save(string path);
}
