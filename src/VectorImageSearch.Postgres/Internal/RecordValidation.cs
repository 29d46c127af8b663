namespace VectorImageSearch.Postgres.Internal;

/// <summary>Checks of the input before it reaches the server, so a bad record fails with its index and the problem named.</summary>
internal static class RecordValidation
{
    public static void Batch(IReadOnlyList<ImageRecord> records, int dimension)
    {
        var keys = new HashSet<string>(records.Count, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} of the batch is null.", nameof(records));
            Text(record.Key, $"Record {i}'s Key", nameof(records));
            if (!keys.Add(record.Key))
            {
                throw new ArgumentException($"Record {i}'s Key '{record.Key}' occurs twice in the batch; a batch holds each key once.", nameof(records));
            }
            if (record.Vector.Length != dimension)
            {
                throw new ArgumentException($"Record {i} ('{record.Key}') has a vector of {record.Vector.Length} values; the collection holds {dimension}.", nameof(records));
            }
            Finite(record.Vector.Span, $"Record {i} ('{record.Key}')", nameof(records));
            Text(record.ContentHash, $"Record {i}'s ContentHash", nameof(records));
            if (record.SizeBytes < 0)
            {
                throw new ArgumentException($"Record {i} ('{record.Key}') has a negative SizeBytes ({record.SizeBytes}).", nameof(records));
            }
            if (record.Metadata is null)
            {
                throw new ArgumentException($"Record {i} ('{record.Key}') has null Metadata.", nameof(records));
            }
            foreach (var (name, value) in record.Metadata)
            {
                Text(name, $"Record {i}'s metadata name", nameof(records), allowEmpty: true);
                Text(value, $"Record {i}'s metadata value of '{name}'", nameof(records), allowEmpty: true);
            }
        }
    }

    public static void Query(ReadOnlySpan<float> query, int dimension)
    {
        if (query.Length != dimension)
        {
            throw new ArgumentException($"The query vector has {query.Length} values; the collection holds {dimension}.", nameof(query));
        }
        Finite(query, "The query vector", nameof(query));
    }

    /// <summary>PostgreSQL text cannot hold U+0000 and Npgsql cannot encode a lone surrogate; refuse both here.</summary>
    public static void Text(string? value, string what, string parameterName, bool allowEmpty = false)
    {
        if (value is null)
        {
            throw new ArgumentException($"{what} is null.", parameterName);
        }
        if (!allowEmpty && value.Length == 0)
        {
            throw new ArgumentException($"{what} is empty.", parameterName);
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{what} contains a NUL character, which PostgreSQL text cannot hold.", parameterName);
        }
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                throw new ArgumentException($"{what} is not valid UTF-16 (a lone surrogate at position {i}).", parameterName);
            }
        }
    }

    private static void Finite(ReadOnlySpan<float> vector, string what, string parameterName)
    {
        for (var j = 0; j < vector.Length; j++)
        {
            if (!float.IsFinite(vector[j]))
            {
                throw new ArgumentException($"{what} has a non-finite value at position {j}.", parameterName);
            }
        }
    }

    /// <summary>timestamptz holds UTC: a local time is converted, an unspecified one taken as UTC.</summary>
    public static DateTime? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } v => v,
        { Kind: DateTimeKind.Local } v => v.ToUniversalTime(),
        { } v => DateTime.SpecifyKind(v, DateTimeKind.Utc),
    };
}
