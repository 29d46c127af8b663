namespace VectorImageSearch;

/// <summary>What a collection holds: vectors of one model, of one dimension.</summary>
/// <param name="ModelFingerprint">Identifies the model that made the vectors (its weights' hash); vectors of two models are never mixed.</param>
/// <param name="Dimension">The length of every vector.</param>
public sealed record ImageStoreSchema(string ModelFingerprint, int Dimension);
