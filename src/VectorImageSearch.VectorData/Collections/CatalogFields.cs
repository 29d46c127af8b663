namespace VectorImageSearch.VectorData.Collections;

/// <summary>
/// The storage names of the data properties that map onto an <see cref="ImageRecord"/>'s own catalog fields instead of
/// its metadata, so that a record type can read and write what the image search indexes.
/// </summary>
internal static class CatalogFields
{
    /// <summary>The hex SHA-256 of the image bytes (<see cref="ImageRecord.ContentHash"/>): a string property.</summary>
    public const string ContentHash = nameof(ImageRecord.ContentHash);

    /// <summary>The image's size in bytes (<see cref="ImageRecord.SizeBytes"/>): an int or long property.</summary>
    public const string SizeBytes = nameof(ImageRecord.SizeBytes);

    /// <summary>When the file was last written (<see cref="ImageRecord.LastWriteUtc"/>): a DateTime or DateTimeOffset property.</summary>
    public const string LastWriteUtc = nameof(ImageRecord.LastWriteUtc);

    public static bool IsCatalogField(string storageName) =>
        storageName is ContentHash or SizeBytes or LastWriteUtc;
}
