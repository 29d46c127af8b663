using System.Collections.Concurrent;
using Microsoft.Extensions.VectorData;
using VectorImageSearch.VectorData.Collections;

namespace VectorImageSearch.VectorData;

/// <summary>
/// A Microsoft.Extensions.VectorData <see cref="VectorStore"/> whose collections are image-record stores
/// (<see cref="IImageRecordStore"/>): upserts are atomic batches, filters are applied before the nearest are chosen, scores
/// are cosine similarities. A store engine derives from it and says how a named collection's store is created, found and
/// deleted; <c>FaissVectorStore</c> (VectorImageSearch.Faiss) keeps each collection in an index folder.
/// </summary>
/// <remarks>
/// Thread-safe: collections and their members may be used from several threads. One <see cref="IImageRecordStore"/> is
/// created per collection name and shared by every collection object of that name; disposing the vector store disposes them.
/// </remarks>
public abstract class ImageRecordVectorStore : VectorStore
{
    private readonly ConcurrentDictionary<string, StoreEntry> _stores = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private volatile bool _disposed;

    /// <summary>Creates the vector store.</summary>
    /// <param name="options">The default embedding generator, the model fingerprint and when writes are flushed.</param>
    protected ImageRecordVectorStore(ImageRecordVectorStoreOptions? options)
    {
        var o = options ?? new ImageRecordVectorStoreOptions();
        Options = new ImageRecordVectorStoreOptions
        {
            EmbeddingGenerator = o.EmbeddingGenerator,
            ModelFingerprint = o.ModelFingerprint,
            FlushAfterEachWrite = o.FlushAfterEachWrite,
        };
    }

    /// <summary>The name of the store's engine, as <see cref="VectorStoreMetadata.VectorStoreSystemName"/> reports it.</summary>
    protected abstract string SystemName { get; }

    internal ImageRecordVectorStoreOptions Options { get; }

    internal string SystemNameValue => SystemName;

    /// <summary>Creates (without opening) the image-record store that holds the collection <paramref name="name"/>.</summary>
    /// <param name="name">The collection's name, already checked by <see cref="ValidateCollectionName"/>.</param>
    protected abstract IImageRecordStore CreateRecordStore(string name);

    /// <summary>Whether the collection <paramref name="name"/> was created and kept where the engine keeps collections.</summary>
    /// <param name="name">The collection's name.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    protected abstract Task<bool> StoredCollectionExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes what the engine keeps of the collection <paramref name="name"/>; nothing when there is none.</summary>
    /// <param name="name">The collection's name.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    protected abstract Task DeleteStoredCollectionAsync(string name, CancellationToken cancellationToken);

    /// <summary>The names of the collections the engine keeps.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    protected abstract IAsyncEnumerable<string> ListStoredCollectionNamesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the writes to a collection's store durable: after each upsert and delete when
    /// <see cref="ImageRecordVectorStoreOptions.FlushAfterEachWrite"/> is set, and in <c>EnsureCollectionExistsAsync</c>.
    /// The default calls <see cref="IImageRecordStore.FlushAsync"/>.
    /// </summary>
    /// <param name="store">The collection's open store.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    protected virtual Task FlushRecordStoreAsync(IImageRecordStore store, CancellationToken cancellationToken) =>
        store.FlushAsync(cancellationToken);

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> cannot name a collection of this engine.</summary>
    /// <param name="name">The collection's name.</param>
    protected abstract void ValidateCollectionName(string name);

    /// <inheritdoc />
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        CheckName(name);
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
        {
            throw new ArgumentException("Use GetDynamicCollection for records of type Dictionary<string, object?>.", nameof(TRecord));
        }
        var model = new RecordModelBuilder().Build(typeof(TRecord), typeof(TKey), definition, Options.EmbeddingGenerator);
        return new ImageRecordCollection<TKey, TRecord>(this, name, model, definition);
    }

    /// <inheritdoc />
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(definition);
        var model = new RecordModelBuilder().BuildDynamic(definition, Options.EmbeddingGenerator);
        return new ImageRecordCollection<object, Dictionary<string, object?>>(this, name, model, definition);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var name in ListStoredCollectionNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (seen.Add(name))
            {
                yield return name;
            }
        }
        foreach (var (name, entry) in _stores)
        {
            if (entry.Schema is not null && seen.Add(name))
            {
                yield return name;
            }
        }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        return _stores.TryGetValue(name, out var entry) && entry.Schema is not null
            ? Task.FromResult(true)
            : StoredCollectionExistsAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        StoreEntry? removed;
        lock (_gate)
        {
            _stores.TryRemove(name, out removed);
        }
        if (removed is not null)
        {
            await removed.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await removed.Store.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                removed.Gate.Release();
            }
        }
        await DeleteStoredCollectionAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(VectorStoreMetadata))
        {
            return new VectorStoreMetadata { VectorStoreSystemName = SystemName };
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (var name in _stores.Keys)
            {
                if (_stores.TryRemove(name, out var entry))
                {
                    entry.Store.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>The opened store of the collection <paramref name="name"/>, creating and opening it on first use.</summary>
    internal async Task<IImageRecordStore> OpenAsync(string name, ImageStoreSchema schema, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StoreEntry entry;
        lock (_gate)
        {
            entry = _stores.GetOrAdd(name, n => new StoreEntry(CreateRecordStore(n)));
        }
        if (entry.Schema == schema)
        {
            return entry.Store;
        }
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Schema is null)
            {
                await entry.Store.OpenAsync(schema, cancellationToken).ConfigureAwait(false);
                entry.Schema = schema;
            }
            else if (entry.Schema != schema)
            {
                throw new ImageStoreCompatibilityException($"{SystemName}:{name}",
                    $"the collection is open for model '{entry.Schema.ModelFingerprint}' with {entry.Schema.Dimension} dimensions; it cannot also hold model '{schema.ModelFingerprint}' with {schema.Dimension}.");
            }
            return entry.Store;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    internal Task FlushAsync(IImageRecordStore store, CancellationToken cancellationToken) =>
        FlushRecordStoreAsync(store, cancellationToken);

    /// <summary>The store of <paramref name="name"/> when it is open in this process, without creating it.</summary>
    internal IImageRecordStore? OpenedStore(string name) =>
        _stores.TryGetValue(name, out var entry) && entry.Schema is not null ? entry.Store : null;

    private void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateCollectionName(name);
    }

    private sealed class StoreEntry(IImageRecordStore store)
    {
        public IImageRecordStore Store { get; } = store;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public ImageStoreSchema? Schema { get; set; }
    }
}
