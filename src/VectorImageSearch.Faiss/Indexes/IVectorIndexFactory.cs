namespace VectorImageSearch;

/// <summary>Creates and loads vector indexes of one engine (FAISS in-process by default).</summary>
internal interface IVectorIndexFactory
{
    /// <summary>Creates an empty index for vectors of <paramref name="dimension"/> floats.</summary>
    /// <param name="dimension">The vector length.</param>
    /// <param name="spec">What index to build.</param>
    /// <param name="metric">How vectors are compared.</param>
    IVectorIndex Create(int dimension, IndexSpec spec, VectorMetric metric);

    /// <summary>Loads an index written by <see cref="IVectorIndex.Save"/>.</summary>
    /// <param name="path">The index file.</param>
    IVectorIndex Load(string path);
}
