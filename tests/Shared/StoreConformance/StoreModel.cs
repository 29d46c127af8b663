namespace VectorImageSearch.Tests.StoreConformance;

/// <summary>
/// The expected state of a store: a dictionary of records by key, exact (brute-force) cosine top-k, and
/// <see cref="ImageRecordFilter.Matches"/> as the filter's meaning. Not thread-safe.
/// </summary>
internal sealed class StoreModel
{
    private readonly Dictionary<string, ImageRecord> _records = new(StringComparer.Ordinal);

    public int Count => _records.Count;

    public IEnumerable<string> Keys => _records.Keys;

    public bool TryGet(string key, out ImageRecord record) => _records.TryGetValue(key, out record!);

    public void Upsert(IEnumerable<ImageRecord> records)
    {
        foreach (var record in records)
        {
            _records[record.Key] = record;
        }
    }

    public int Delete(IEnumerable<string> keys) => keys.Distinct(StringComparer.Ordinal).Count(_records.Remove);

    public IReadOnlyList<ImageRecord> List(string? prefix) =>
        _records.Values.Where(r => prefix is null || r.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(r => r.Key, StringComparer.Ordinal).ToList();

    /// <summary>Every record the filter lets through with its score, best first (ties by key), before K and MinScore.</summary>
    public IReadOnlyList<(ImageRecord Record, float Score)> Ranked(ReadOnlySpan<float> query, ImageRecordFilter? filter)
    {
        var ranked = new List<(ImageRecord Record, float Score)>(_records.Count);
        foreach (var record in _records.Values)
        {
            if (filter is null || filter.Matches(record))
            {
                ranked.Add((record, Dot(query, record.Vector.Span)));
            }
        }
        ranked.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Record.Key, b.Record.Key));
        return ranked;
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return (float)sum;
    }
}
