namespace VectorImageSearch;

/// <summary>Opens a store with a schema our own packages already hold.</summary>
internal static class ImageStoreSchemaExtensions
{
    public static Task OpenAsync(this IImageRecordStore store, ImageStoreSchema schema, CancellationToken cancellationToken = default) =>
        store.OpenAsync(schema.ModelFingerprint, schema.Dimension, cancellationToken);
}
