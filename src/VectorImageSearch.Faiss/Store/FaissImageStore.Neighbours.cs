namespace VectorImageSearch.Faiss;

/// <summary>Neighbours of many stored records in one batched search, for the library-wide duplicate scan.</summary>
internal sealed partial class FaissImageStore
{
    /// <summary>
    /// The records at least <paramref name="minScore"/> similar to each stored record of <paramref name="keys"/>, at most
    /// <paramref name="k"/> each (the record itself included), best first, from one batched FAISS search: an exact index
    /// compares the whole block at once (BLAS), several times faster than one search per record. A key the store no
    /// longer holds gets an empty list.
    /// </summary>
    internal IReadOnlyList<ImageRecordMatch>[] NeighboursOf(IReadOnlyList<string> keys, int k, float minScore)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return Read(() =>
        {
            var vectors = _vectors!;
            var dimension = vectors.Dimension;
            var queries = new float[keys.Count * dimension];
            var rows = new List<int>(keys.Count);
            for (var i = 0; i < keys.Count; i++)
            {
                if (_catalog.TryGetByKey(keys[i], out var record))
                {
                    vectors.Index.Reconstruct(record.Id, queries.AsSpan(rows.Count * dimension, dimension));
                    rows.Add(i);
                }
            }
            var results = new IReadOnlyList<ImageRecordMatch>[keys.Count];
            Array.Fill(results, Array.Empty<ImageRecordMatch>());
            var found = vectors.SearchBatch(queries.AsSpan(0, rows.Count * dimension), k);
            for (var row = 0; row < rows.Count; row++)
            {
                var matches = ToMatches(found[row]);
                matches.RemoveAll(m => m.Score < minScore);
                results[rows[row]] = matches;
            }
            return results;
        });
    }
}
