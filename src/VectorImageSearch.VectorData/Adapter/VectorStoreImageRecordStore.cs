using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace VectorImageSearch.VectorData.Adapter;

/// <summary>
/// The image search's store seam over any Microsoft.Extensions.VectorData collection (Qdrant, Azure AI Search, PostgreSQL,
/// Redis, this library's own FAISS collections…): records are kept as <see cref="ImageRecordDocument"/>s, searches ask the
/// collection for the nearest by cosine similarity. A filter is applied here, on candidates the collection returns, asking
/// for more until enough match or the collection has none left (then comparing every record), so it works with every
/// connector and stays exact; the collection's own filter language is not needed.
/// </summary>
/// <remarks>
/// Atomic batches, snapshot listings and thread safety are what the collection gives: a connector that upserts a batch
/// record by record can leave part of a failed batch. Listings, counts and the last resort of a filtered search read the
/// whole collection.
/// </remarks>
internal sealed class VectorStoreImageRecordStore(VectorStore store, string collectionName) : IImageRecordStore, IDisposable
{
    private VectorStoreCollection<object, Dictionary<string, object?>>? _collection;
    private ImageStoreSchema? _schema;

    private string Location => $"{(store.GetService(typeof(VectorStoreMetadata)) is VectorStoreMetadata { VectorStoreSystemName: { } system } ? system : store.GetType().Name)}:{collectionName}";

    public async Task OpenAsync(string modelFingerprint, int dimension, CancellationToken cancellationToken = default)
    {
        var schema = ImageStoreSchema.Of(modelFingerprint, dimension);
        if (_schema is not null)
        {
            if (_schema != schema)
            {
                throw new ImageStoreCompatibilityException(Location, $"it is open for model '{_schema.ModelFingerprint}' ({_schema.Dimension} dimensions), not '{schema.ModelFingerprint}' ({schema.Dimension}).");
            }
            return;
        }
        var collection = store.GetDynamicCollection(collectionName, ImageRecordDocument.Definition(schema.Dimension));
        await collection.EnsureCollectionExistsAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var sample in collection.GetAsync(_ => true, 1, new FilteredRecordRetrievalOptions<Dictionary<string, object?>> { IncludeVectors = true }, cancellationToken).ConfigureAwait(false))
        {
            var model = sample.GetValueOrDefault(ImageRecordDocument.Model) as string;
            if (model != schema.ModelFingerprint)
            {
                throw new ImageStoreCompatibilityException(Location, $"it holds vectors of model '{model}', not '{schema.ModelFingerprint}'.");
            }
            if (Collections.RecordVectors.TryRead(sample.GetValueOrDefault(ImageRecordDocument.Vector)) is { } vector && vector.Length != schema.Dimension)
            {
                throw new ImageStoreCompatibilityException(Location, $"it holds vectors of {vector.Length} dimensions, not {schema.Dimension}.");
            }
        }
        _collection = collection;
        _schema = schema;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        long count = 0;
        await foreach (var _ in Collection.GetAsync(_ => true, int.MaxValue, null, cancellationToken).ConfigureAwait(false))
        {
            count++;
        }
        return count;
    }

    public async Task<IReadOnlyList<long>> UpsertAsync(IReadOnlyList<ImageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var collection = Collection;
        var schema = _schema!;
        ImageRecordChecks.ValidateBatch(records, schema.Dimension);
        var documents = new List<Dictionary<string, object?>>(records.Count);
        var ids = new long[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            ImageRecordChecks.ValidateNorm(record.Vector.Span, $"The vector of '{record.Key}'", nameof(records));
            documents.Add(ImageRecordDocument.ToDocument(record, schema.ModelFingerprint));
            ids[i] = ImageRecordDocument.IdOf(record.Key);
        }
        if (documents.Count > 0)
        {
            await collection.UpsertAsync(documents, cancellationToken).ConfigureAwait(false);
        }
        return ids;
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var collection = Collection;
        var ids = keys.Where(k => !string.IsNullOrEmpty(k)).Distinct(StringComparer.Ordinal).Select(k => (object)ImageRecordDocument.GuidOf(k)).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }
        var present = 0;
        await foreach (var _ in collection.GetAsync(ids, null, cancellationToken).ConfigureAwait(false))
        {
            present++;
        }
        await collection.DeleteAsync(ids, cancellationToken).ConfigureAwait(false);
        return present;
    }

    public async Task<ImageRecord?> GetAsync(string key, bool includeVector = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var document = await Collection.GetAsync(ImageRecordDocument.GuidOf(key), new RecordRetrievalOptions { IncludeVectors = includeVector }, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }
        var record = ImageRecordDocument.FromDocument(document, includeVector);
        return record.Key == key ? record : null;
    }

    public async IAsyncEnumerable<ImageRecord> ListAsync(string? keyPrefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var records = await ReadAllAsync(includeVectors: false, cancellationToken).ConfigureAwait(false);
        records.RemoveAll(r => keyPrefix is not null && !r.Key.StartsWith(keyPrefix, StringComparison.Ordinal));
        records.Sort((a, b) => CompareCodePoints(a.Key, b.Key));
        foreach (var record in records)
        {
            yield return record;
        }
    }

    public async Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.K, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.K, ImageStoreSearchOptions.MaxK, nameof(options));
        if (options.EngineParameters is not null)
        {
            throw new ArgumentException($"A vector-store collection takes no engine parameters; {options.EngineParameters.GetType().Name} belongs to another store.", nameof(options));
        }
        var collection = Collection;
        ImageRecordChecks.ValidateVector(query.Span, _schema!.Dimension, "The query vector", nameof(query));
        var filter = options.Filter;
        var asked = filter is null ? options.K : Math.Min(ImageStoreSearchOptions.MaxK, Math.Max(options.K * 4, 64));
        while (true)
        {
            var found = new List<ImageRecordMatch>(options.K);
            var returned = 0;
            var searchOptions = new VectorSearchOptions<Dictionary<string, object?>> { ScoreThreshold = options.MinScore };
            await foreach (var result in collection.SearchAsync(query, asked, searchOptions, cancellationToken).ConfigureAwait(false))
            {
                returned++;
                var record = ImageRecordDocument.FromDocument(result.Record, includeVector: false);
                if (found.Count < options.K && (filter is null || filter.Matches(record)))
                {
                    found.Add(new ImageRecordMatch(record, (float)(result.Score ?? 0)));
                }
            }
            if (found.Count == options.K || returned < asked)
            {
                return found;
            }
            if (asked == ImageStoreSearchOptions.MaxK)
            {
                return await ScanAsync(query, options, cancellationToken).ConfigureAwait(false);
            }
            asked = (int)Math.Min(ImageStoreSearchOptions.MaxK, asked * 4L);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the collection object (not the vector store, which belongs to the application), so a container disposed synchronously works too.</summary>
    public void Dispose() => _collection?.Dispose();

    private VectorStoreCollection<object, Dictionary<string, object?>> Collection =>
        _collection ?? throw new InvalidOperationException($"The image store '{Location}' is not open: call OpenAsync first.");

    /// <summary>Every matching record compared with the query: the exact answer when the nearest <see cref="ImageStoreSearchOptions.MaxK"/> hold too few matches.</summary>
    private async Task<IReadOnlyList<ImageRecordMatch>> ScanAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken)
    {
        var matches = new List<ImageRecordMatch>();
        foreach (var record in await ReadAllAsync(includeVectors: true, cancellationToken).ConfigureAwait(false))
        {
            if (options.Filter!.Matches(record) && record.Vector.Length == query.Length)
            {
                var score = TensorPrimitives.CosineSimilarity(query.Span, record.Vector.Span);
                if (options.MinScore is not { } least || score >= least)
                {
                    matches.Add(new ImageRecordMatch(record with { Vector = ReadOnlyMemory<float>.Empty }, score));
                }
            }
        }
        matches.Sort((a, b) => b.Score.CompareTo(a.Score));
        return matches.Take(options.K).ToList();
    }

    private async Task<List<ImageRecord>> ReadAllAsync(bool includeVectors, CancellationToken cancellationToken)
    {
        var records = new List<ImageRecord>();
        var options = new FilteredRecordRetrievalOptions<Dictionary<string, object?>> { IncludeVectors = includeVectors };
        await foreach (var document in Collection.GetAsync(_ => true, int.MaxValue, options, cancellationToken).ConfigureAwait(false))
        {
            records.Add(ImageRecordDocument.FromDocument(document, includeVectors));
        }
        return records;
    }

    /// <summary>Orders keys by Unicode code point (the seam's order): UTF-16 order except that surrogate pairs sort after U+E000…U+FFFF.</summary>
    private static int CompareCodePoints(string x, string y)
    {
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return Rank(x[i]).CompareTo(Rank(y[i]));
            }
        }
        return x.Length.CompareTo(y.Length);

        static int Rank(char c) => char.IsSurrogate(c) ? c + 0x10000 : c;
    }
}
