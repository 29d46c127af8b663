using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using VectorImageSearch.Faiss.Store;

namespace VectorImageSearch.Faiss;

/// <summary>Searches, lookups and listings: all under the read lock, so they run in parallel with each other.</summary>
public sealed partial class FaissImageStore
{
    /// <inheritdoc />
    public Task<ImageRecord?> GetAsync(string key, bool includeVector = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(Read(() =>
        {
            if (!_catalog.TryGetByKey(key, out var record))
            {
                return null;
            }
            if (!includeVector)
            {
                return record;
            }
            var vector = new float[_vectors!.Dimension];
            _vectors.Index.Reconstruct(record.Id, vector);
            return record with { Vector = vector };
        }));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ImageRecord> ListAsync(string? keyPrefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var snapshot = Read(() => _catalog.Entries
            .Where(r => keyPrefix is null || r.Key.StartsWith(keyPrefix, StringComparison.Ordinal))
            .OrderBy(r => r.Key, KeyOrder.Instance)
            .ToList());
        foreach (var record in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Without a filter the FAISS index answers (approximately, for IVF and HNSW). With a filter the store takes the ids
    /// of the matching catalog records and compares the query with each of their vectors exactly.
    /// </remarks>
    /// <exception cref="ArgumentException">The query is not a finite, L2-normalised vector of the store's dimension, or <see cref="ImageStoreSearchOptions.EngineParameters"/> are another engine's.</exception>
    public Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken = default) =>
        SearchAsync(query, options, ToFaissOptions(options?.EngineParameters), cancellationToken);

    /// <summary>
    /// <see cref="SearchAsync(ReadOnlyMemory{float}, ImageStoreSearchOptions, CancellationToken)"/> with FAISS's per-call
    /// parameters (IVF probes, HNSW search depth) given directly.
    /// </summary>
    internal Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, VectorSearchOptions? faissOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.K is < 1 or > ImageStoreSearchOptions.MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K, $"K must be between 1 and {ImageStoreSearchOptions.MaxK}.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var schema = OpenSchema();
        RecordChecks.ValidateVector(query.Span, schema.Dimension, "The query vector", nameof(query));
        var matches = Read(() => options.Filter is null
            ? SearchIndex(query.Span, options.K, faissOptions)
            : SearchExactly(query.Span, options.K, options.Filter));
        if (options.MinScore is { } least)
        {
            matches.RemoveAll(m => m.Score < least);
        }
        return Task.FromResult<IReadOnlyList<ImageRecordMatch>>(matches);
    }

    /// <summary>
    /// The FAISS parameters for one search. Until the FAISS package's own typed parameters (a
    /// <see cref="StoreSearchParameters"/> with NProbe and EfSearch) exist, the store takes none through the seam: pass
    /// <see langword="null"/>, or use the internal overload with <see cref="VectorSearchOptions"/>. When that type lands,
    /// map it here (and the filter below moves to FAISS ID selectors).
    /// </summary>
    private static VectorSearchOptions? ToFaissOptions(StoreSearchParameters? parameters) => parameters switch
    {
        null => null,
        _ => throw new ArgumentException(
            $"The FAISS image store does not take {parameters.GetType().Name}: those search parameters belong to another store engine.",
            nameof(parameters)),
    };

    private List<ImageRecordMatch> SearchIndex(ReadOnlySpan<float> query, int k, VectorSearchOptions? faissOptions)
    {
        var vectors = _vectors!;
        var found = vectors.Search(query, k, faissOptions);
        var matches = new List<ImageRecordMatch>(found.Count);
        var inner = vectors.Index.Metric == VectorMetric.InnerProduct;
        foreach (var match in found)
        {
            if (_catalog.TryGetById(match.Id, out var record))
            {
                matches.Add(new ImageRecordMatch(record, inner ? match.Distance : 1f - (match.Distance / 2f)));
            }
        }
        return matches;
    }

    /// <summary>The <paramref name="k"/> records matching <paramref name="filter"/> with the highest cosine similarity, compared one by one.</summary>
    private List<ImageRecordMatch> SearchExactly(ReadOnlySpan<float> query, int k, ImageRecordFilter filter)
    {
        var index = _vectors!.Index;
        var vector = new float[index.Dimension];
        var best = new PriorityQueue<ImageRecord, float>(Math.Min(k, _catalog.Count) + 1);
        foreach (var record in _catalog.Entries)
        {
            if (!filter.Matches(record))
            {
                continue;
            }
            index.Reconstruct(record.Id, vector);
            // Stored vectors are L2-normalised, so their inner product with the query is the cosine similarity.
            var score = TensorPrimitives.Dot(query, vector);
            if (best.Count < k)
            {
                best.Enqueue(record, score);
            }
            else if (best.TryPeek(out _, out var lowest) && score > lowest)
            {
                best.EnqueueDequeue(record, score);
            }
        }
        var matches = new List<ImageRecordMatch>(best.Count);
        while (best.TryDequeue(out var record, out var score))
        {
            matches.Add(new ImageRecordMatch(record, score));
        }
        matches.Reverse();
        return matches;
    }
}
