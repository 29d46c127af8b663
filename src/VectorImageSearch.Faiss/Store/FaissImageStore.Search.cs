using System.Runtime.CompilerServices;
using VectorImageSearch.Faiss.Store;

namespace VectorImageSearch.Faiss;

/// <summary>Searches, lookups and listings: all under the read lock, so they run in parallel with each other.</summary>
internal sealed partial class FaissImageStore
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
    /// The FAISS index answers (approximately, for IVF and HNSW). A filter is applied inside FAISS: the ids of the matching
    /// catalog records become a <see cref="FaissIdSelector"/>, so the index only ever considers allowed vectors (and
    /// compares them exactly when they are few, see <see cref="FaissSearchParameters.ExactFilterFraction"/>).
    /// <see cref="ImageStoreSearchOptions.EngineParameters"/> may be <see cref="FaissSearchParameters"/>.
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
        ImageRecordChecks.ValidateVector(query.Span, schema.Dimension, "The query vector", nameof(query));
        var matches = Read(() => options.Filter is null
            ? SearchIndex(query.Span, options.K, faissOptions)
            : SearchFiltered(query.Span, options.K, options.Filter, faissOptions));
        if (options.MinScore is { } least)
        {
            matches.RemoveAll(m => m.Score < least);
        }
        return Task.FromResult<IReadOnlyList<ImageRecordMatch>>(matches);
    }

    /// <summary>The FAISS parameters for one search: <see cref="FaissSearchParameters"/> mapped, another engine's refused.</summary>
    private static VectorSearchOptions? ToFaissOptions(StoreSearchParameters? parameters) => parameters switch
    {
        null => null,
        FaissSearchParameters faiss => faiss.ToSearchOptions(),
        _ => throw new ArgumentException(
            $"The FAISS image store does not take {parameters.GetType().Name}: those search parameters belong to another store engine.",
            nameof(parameters)),
    };

    private List<ImageRecordMatch> SearchIndex(ReadOnlySpan<float> query, int k, VectorSearchOptions? faissOptions) =>
        ToMatches(_vectors!.Search(query, k, faissOptions));

    /// <summary>FAISS's matches as catalog records with cosine scores (an L2 index's squared distance between unit vectors converted).</summary>
    private List<ImageRecordMatch> ToMatches(IReadOnlyList<VectorMatch> found)
    {
        var matches = new List<ImageRecordMatch>(found.Count);
        var inner = _vectors!.Index.Metric == VectorMetric.InnerProduct;
        foreach (var match in found)
        {
            if (match.Id >= 0 && _catalog.TryGetById(match.Id, out var record))
            {
                matches.Add(new ImageRecordMatch(record, inner ? match.Distance : 1f - (match.Distance / 2f)));
            }
        }
        return matches;
    }

    /// <summary>
    /// The <paramref name="k"/> records matching <paramref name="filter"/> nearest to the query: the matching catalog ids
    /// go to FAISS as an id selector, so the filter is applied before the nearest are chosen.
    /// </summary>
    private List<ImageRecordMatch> SearchFiltered(ReadOnlySpan<float> query, int k, ImageRecordFilter filter, VectorSearchOptions? faissOptions)
    {
        var allowed = new List<long>();
        foreach (var record in _catalog.Entries)
        {
            if (filter.Matches(record))
            {
                allowed.Add(record.Id);
            }
        }
        if (allowed.Count == 0)
        {
            return [];
        }
        // Catalog ids are live, so tombstoned vectors of an HNSW index are never allowed.
        using var selector = FaissIdSelector.Batch(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(allowed));
        var options = (faissOptions ?? new VectorSearchOptions()) with { Filter = selector };
        return SearchIndex(query, Math.Min(k, allowed.Count), options);
    }
}
