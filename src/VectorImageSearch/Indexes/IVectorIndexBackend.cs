namespace VectorImageSearch.Indexes;

/// <summary>Creates and loads the vector indexes of an engine; the seam between the facade and an index engine.</summary>
internal interface IVectorIndexBackend
{
    /// <summary>
    /// The index to build for <paramref name="vectorCount"/> vectors under the user's <paramref name="spec"/> ("Auto" or a
    /// factory string), as a factory string; for "Auto" it depends on the count.
    /// </summary>
    string Resolve(string spec, int dimension, long vectorCount);

    /// <summary>How many vectors the index described by <paramref name="description"/> needs before it can be trained; 0 when it needs no training.</summary>
    long MinimumTrainingVectors(string description, int dimension);

    /// <summary>Creates an empty inner-product index from a factory string.</summary>
    IVectorIndex Create(string description, int dimension);

    /// <summary>Loads an index saved with <see cref="IVectorIndex.Save"/>.</summary>
    IVectorIndex Load(string path);

    /// <summary>Writes vector <paramref name="id"/> into <paramref name="destination"/>; exact for Flat, IVF-Flat and HNSW, approximate for PQ.</summary>
    void Reconstruct(IVectorIndex index, long id, Span<float> destination);
}
