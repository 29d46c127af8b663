namespace VectorImageSearch;

/// <summary>
/// Which records a search may return. Every condition that is set must hold (they are combined with AND); a filter
/// with no condition set matches every record.
/// </summary>
public sealed record ImageRecordFilter
{
    /// <summary>Only keys that start with this prefix (ordinal), such as a folder's full path ending in a separator.</summary>
    public string? KeyPrefix { get; init; }

    /// <summary>Only records whose metadata holds every one of these key/value pairs (ordinal equality).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Only records whose file was last written at or after this time (UTC).</summary>
    public DateTime? ModifiedFromUtc { get; init; }

    /// <summary>Only records whose file was last written before this time (UTC).</summary>
    public DateTime? ModifiedBeforeUtc { get; init; }

    /// <summary>Whether <paramref name="record"/> satisfies every condition: the reference every store's filtering must agree with.</summary>
    /// <param name="record">The record to test.</param>
    public bool Matches(ImageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (KeyPrefix is not null && !record.Key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        if (Metadata is not null)
        {
            foreach (var (name, value) in Metadata)
            {
                if (!record.Metadata.TryGetValue(name, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        if (ModifiedFromUtc is { } from && (record.LastWriteUtc is not { } written || written < from))
        {
            return false;
        }
        if (ModifiedBeforeUtc is { } before && (record.LastWriteUtc is not { } writtenBefore || writtenBefore >= before))
        {
            return false;
        }
        return true;
    }
}
