namespace VectorImageSearch;

/// <summary>One image as a store holds it: its vector and its catalog fields.</summary>
public sealed record ImageRecord
{
    /// <summary>The id the store gave the record (0 for a record not yet stored).</summary>
    public long Id { get; init; }

    /// <summary>The record's unique key: for indexed files, the file's full path.</summary>
    public required string Key { get; init; }

    /// <summary>The L2-normalised embedding; empty where a lookup did not ask for vectors.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }

    /// <summary>The hex SHA-256 of the encoded image bytes.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The size of the encoded image in bytes.</summary>
    public long SizeBytes { get; init; }

    /// <summary>When the file was last written (UTC), where the image came from a file.</summary>
    public DateTime? LastWriteUtc { get; init; }

    /// <summary>Metadata given when the image was added.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>(0);
}
