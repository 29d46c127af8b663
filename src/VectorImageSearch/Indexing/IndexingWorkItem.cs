namespace VectorImageSearch.Indexing;

/// <summary>One image an indexing run must encode.</summary>
/// <param name="Key">The file's full path, or the key given to AddAsync.</param>
/// <param name="Input">Where the encoded image comes from.</param>
/// <param name="Metadata">Metadata to store with it.</param>
/// <param name="LastWriteUtc">The file's last write time, for files.</param>
/// <param name="PreviousHash">The content hash the catalog holds for this key, when the file changed on disk:
/// equal content is not encoded again.</param>
internal sealed record IndexingWorkItem(
    string Key,
    ImageInput Input,
    IReadOnlyDictionary<string, string> Metadata,
    DateTime? LastWriteUtc,
    string? PreviousHash);

/// <summary>An image encoded by the pipeline, ready to be added with its catalog entry.</summary>
/// <param name="Item">What was encoded.</param>
/// <param name="ContentHash">SHA-256 of its bytes, lowercase hex.</param>
/// <param name="SizeBytes">The size of its bytes.</param>
/// <param name="Embedding">Its L2-normalised embedding.</param>
internal sealed record EncodedImage(IndexingWorkItem Item, string ContentHash, long SizeBytes, float[] Embedding);
