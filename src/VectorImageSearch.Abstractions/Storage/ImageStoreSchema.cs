namespace VectorImageSearch;

/// <summary>What a collection holds: vectors of one model, of one dimension (the arguments of <see cref="IImageRecordStore.OpenAsync"/>).</summary>
/// <param name="ModelFingerprint">Identifies the model that made the vectors (its weights' hash); vectors of two models are never mixed.</param>
/// <param name="Dimension">The length of every vector.</param>
internal sealed record ImageStoreSchema(string ModelFingerprint, int Dimension)
{
    /// <summary>The schema of <see cref="IImageRecordStore.OpenAsync"/>'s arguments, checked.</summary>
    /// <exception cref="ArgumentException"><paramref name="modelFingerprint"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 1.</exception>
    public static ImageStoreSchema Of(string modelFingerprint, int dimension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFingerprint);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return new ImageStoreSchema(modelFingerprint, dimension);
    }
}
