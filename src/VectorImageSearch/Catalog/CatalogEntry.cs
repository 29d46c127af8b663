namespace VectorImageSearch.Catalog;

/// <summary>What the index knows of one image besides its vector.</summary>
/// <param name="Id">The image's id in the vector index.</param>
/// <param name="Key">The full path of an indexed file, or the key the image was added with.</param>
/// <param name="SizeBytes">The file's size when it was indexed; the encoded size for added images.</param>
/// <param name="LastWriteUtc">The file's last write time when it was indexed; <see langword="null"/> for added images.</param>
/// <param name="ContentHash">SHA-256 of the encoded image, lowercase hex.</param>
/// <param name="Metadata">Metadata stored with the image.</param>
public sealed record CatalogEntry(
    long Id,
    string Key,
    long SizeBytes,
    DateTime? LastWriteUtc,
    string ContentHash,
    IReadOnlyDictionary<string, string> Metadata);
