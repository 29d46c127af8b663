using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Faiss.Store;
using VectorImageSearch.Persistence;

namespace VectorImageSearch.Faiss;

/// <summary>
/// The image-record store of one process: a FAISS index beside a catalog, kept in memory and saved to an index folder
/// (generations written atomically, a manifest with checksums written last). "Auto" grows from exact Flat to IVF as the
/// collection grows, an IVF or PQ spec searches exactly until it can be trained, and kinds that cannot remove vectors
/// (HNSW) keep tombstones that searches skip until the next rebuild.
/// </summary>
/// <remarks>
/// Every member may be called from several threads: searches, lookups and listings run in parallel with each other and
/// between batches; upserts, deletions, rebuilds, saves and loads run one at a time, and a search sees either all of a
/// batch or none of it. One process owns a folder: for several processes sharing one collection use a database store.
/// </remarks>
internal sealed partial class FaissImageStore : IImageRecordStore, IDisposable
{
    private readonly string _spec;
    private readonly IndexBudget? _budget;
    private readonly bool _verifyChecksums;
    private readonly bool _memoryMap;
    private readonly int _threads;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _writers = new(1, 1);
    private ImageStoreSchema? _schema;
    private VectorIndexHolder? _vectors;
    private ImageCatalog _catalog = new();
    private volatile bool _disposed;

    /// <summary>Creates a store; <see cref="OpenAsync"/> loads its folder or starts it empty.</summary>
    /// <param name="options">The index spec and the folder.</param>
    /// <param name="logger">Logs loads, saves and rebuilds.</param>
    public FaissImageStore(FaissImageStoreOptions options, ILogger<FaissImageStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.IndexSpec))
        {
            throw new ArgumentException("FaissImageStoreOptions.IndexSpec must not be empty; use \"Auto\" to let the library choose.", nameof(options));
        }
        _spec = options.IndexSpec.Trim();
        FaissIndexSpecs.ParseSpec(_spec);
        options.IndexBudget?.Validate();
        _budget = options.IndexBudget;
        Path = string.IsNullOrWhiteSpace(options.Path) ? null : System.IO.Path.GetFullPath(options.Path);
        _verifyChecksums = options.VerifyChecksumsOnLoad;
        _memoryMap = options.MemoryMapOnLoad;
        _threads = options.Threads >= 0 ? options.Threads
            : throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "FaissImageStoreOptions.Threads must be 0 (FAISS's default, one per core) or more.");
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The index folder the store loads on open and writes on <see cref="FlushAsync"/>; <see langword="null"/> for a store in memory.</summary>
    public string? Path { get; }

    /// <summary>The index spec asked for ("Auto" or a FAISS factory string).</summary>
    public string IndexSpec => _spec;

    /// <summary>The budget "Auto" chooses under (<see cref="FaissImageStoreOptions.IndexBudget"/>); <see langword="null"/> when the size rule applies.</summary>
    public IndexBudget? IndexBudget => _budget;

    /// <summary>The FAISS factory string of the index in use: it changes as "Auto" grows or once an IVF index can be trained.</summary>
    /// <exception cref="InvalidOperationException">The store is not open.</exception>
    public string IndexDescription => Read(() => _vectors!.BuiltAs);

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The folder holds an index that is incomplete, corrupt or of an unknown format; every call fails again, so it is never saved over.</exception>
    /// <exception cref="IndexCompatibilityException">The folder holds vectors of another model or dimension.</exception>
    /// <exception cref="InvalidOperationException">FAISS cannot build the index spec at the schema's dimension.</exception>
    public async Task OpenAsync(string modelFingerprint, int dimension, CancellationToken cancellationToken = default)
    {
        var schema = ImageStoreSchema.Of(modelFingerprint, dimension);
        ObjectDisposedException.ThrowIf(_disposed, this);
        FaissIndexSpecs.CheckBuildable(_spec, schema.Dimension);
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schema is not null)
            {
                EnsureSameSchema(schema);
                return;
            }
            if (Path is { } folder && IndexFolder.Exists(folder))
            {
                var (catalog, holder) = await Task.Run(() => ReadFolder(folder, schema), cancellationToken).ConfigureAwait(false);
                Install(schema, catalog, holder);
                _logger.LogInformation("Loaded {Images} images ({Description}) from {Folder}", catalog.Count, holder.BuiltAs, folder);
            }
            else
            {
                Install(schema, new ImageCatalog(), new VectorIndexHolder(_spec, schema.Dimension, _logger, _budget));
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(() => (long)_catalog.Count));

    /// <inheritdoc />
    /// <remarks>
    /// A record whose key is stored with the very vector given keeps its id and only its catalog fields change (a file
    /// touched on disk without a new content); any other record gets a new id, and the vector of the key it replaces is
    /// removed (or tombstoned, for HNSW).
    /// </remarks>
    public async Task<IReadOnlyList<long>> UpsertAsync(IReadOnlyList<ImageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var schema = OpenSchema();
        ImageRecordChecks.ValidateBatch(records, schema.Dimension);
        if (records.Count == 0)
        {
            return [];
        }
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfMemoryMapped("add or replace images");
            _lock.EnterWriteLock();
            try
            {
                return Commit(records, schema.Dimension);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        OpenSchema();
        if (keys.Count == 0)
        {
            return 0;
        }
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfMemoryMapped("remove images");
            _lock.EnterWriteLock();
            try
            {
                var ids = new List<long>(keys.Count);
                foreach (var key in keys)
                {
                    if (key is not null && _catalog.Remove(key) is { } record)
                    {
                        ids.Add(record.Id);
                    }
                }
                if (ids.Count > 0)
                {
                    _vectors!.Remove(ids.ToArray());
                }
                return ids.Count;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>
    /// Rebuilds the vector index when the spec's kind can now be trained, "Auto" calls for another kind at this size, or
    /// tombstones take over a fifth of it (under an <see cref="IndexBudget"/>: when nothing was chosen yet or the collection has
    /// doubled or halved since the last choice); lossy (PQ, SQ) indexes are never rebuilt from their own codes. The image
    /// search calls it after every indexing run; call it after a series of upserts when you use the store directly.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait for other writers; a rebuild that has started runs to its end.</param>
    /// <returns>Whether the index was rebuilt.</returns>
    public Task<bool> ReorganiseAsync(CancellationToken cancellationToken = default) =>
        ReorganiseAsync(ReadOnlyMemory<float>.Empty, cancellationToken);

    /// <summary>
    /// Like <see cref="ReorganiseAsync(CancellationToken)"/>; under an <see cref="IndexBudget"/> the choice is tuned on
    /// <paramref name="tuningQueries"/> (the embeddings users will search with, such as text embeddings), or on held-back
    /// indexed vectors when it is empty.
    /// </summary>
    /// <param name="tuningQueries">Query vectors of the store's dimension laid end to end, L2-normalised; empty for held-back vectors.</param>
    /// <param name="cancellationToken">Stops the wait for other writers; a rebuild that has started runs to its end.</param>
    /// <returns>Whether the index was rebuilt.</returns>
    /// <exception cref="InvalidOperationException">No index kind meets the budget; the message names each kind's bytes and recall. The index stays as it was.</exception>
    public async Task<bool> ReorganiseAsync(ReadOnlyMemory<float> tuningQueries, CancellationToken cancellationToken = default)
    {
        OpenSchema();
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfMemoryMapped("reorganise the index");
            _lock.EnterWriteLock();
            try
            {
                return _vectors!.Reorganise(_catalog.Entries.Select(e => e.Id).ToList(), tuningQueries.Span);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _writers.Wait();
        try
        {
            _disposed = true;
            _lock.EnterWriteLock();
            try
            {
                _vectors?.Dispose();
                _vectors = null;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Adds a validated batch; the caller holds the write lock. Everything that can refuse the batch runs before the
    /// first change, and the index changes before the catalog, so a failed add leaves both as they were.
    /// </summary>
    private long[] Commit(IReadOnlyList<ImageRecord> records, int dimension)
    {
        var vectors = _vectors!;
        var ids = new long[records.Count];
        var fresh = new List<int>(records.Count);
        var stored = new float[dimension];
        for (var i = 0; i < records.Count; i++)
        {
            if (_catalog.TryGetByKey(records[i].Key, out var existing)
                && TryReconstruct(vectors, existing.Id, stored)
                && stored.AsSpan().SequenceEqual(records[i].Vector.Span))
            {
                ids[i] = existing.Id;
            }
            else
            {
                fresh.Add(i);
            }
        }
        foreach (var i in fresh)
        {
            ImageRecordChecks.ValidateNorm(records[i].Vector.Span, $"The vector of '{records[i].Key}'", nameof(records));
        }
        if (fresh.Count > 0)
        {
            var block = new float[fresh.Count * dimension];
            var freshIds = new long[fresh.Count];
            for (var j = 0; j < fresh.Count; j++)
            {
                freshIds[j] = _catalog.AllocateId();
                records[fresh[j]].Vector.Span.CopyTo(block.AsSpan(j * dimension, dimension));
            }
            vectors.Add(block, freshIds);
            var replaced = new List<long>();
            for (var j = 0; j < fresh.Count; j++)
            {
                ids[fresh[j]] = freshIds[j];
                if (_catalog.TryGetByKey(records[fresh[j]].Key, out var old))
                {
                    replaced.Add(old.Id);
                }
            }
            if (replaced.Count > 0)
            {
                vectors.Remove(replaced.ToArray());
            }
        }
        for (var i = 0; i < records.Count; i++)
        {
            _catalog.Put(records[i] with
            {
                Id = ids[i],
                Vector = ReadOnlyMemory<float>.Empty,
                Metadata = new Dictionary<string, string>(records[i].Metadata, StringComparer.Ordinal),
            });
        }
        return ids;
    }

    private static bool TryReconstruct(VectorIndexHolder vectors, long id, float[] destination)
    {
        try
        {
            vectors.Index.Reconstruct(id, destination);
            return true;
        }
        catch (FaissException)
        {
            return false;
        }
    }

    private void Install(ImageStoreSchema schema, ImageCatalog catalog, VectorIndexHolder holder)
    {
        _lock.EnterWriteLock();
        try
        {
            _vectors?.Dispose();
            holder.Threads = _threads;
            _vectors = holder;
            _catalog = catalog;
            _schema = schema;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The schema the store was opened with.</summary>
    /// <exception cref="InvalidOperationException">The store is not open.</exception>
    private ImageStoreSchema OpenSchema()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Volatile.Read(ref _schema) ?? throw new InvalidOperationException(
            "The FAISS image store is not open: call OpenAsync with the model's fingerprint and dimension first.");
    }

    /// <summary>Runs <paramref name="read"/> under the read lock of an open store.</summary>
    private T Read<T>(Func<T> read)
    {
        OpenSchema();
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void EnsureSameSchema(ImageStoreSchema schema)
    {
        if (_schema is { } open && open != schema)
        {
            throw new InvalidOperationException(
                $"The FAISS image store is open for model '{open.ModelFingerprint}' (dimension {open.Dimension}); it cannot also hold '{schema.ModelFingerprint}' (dimension {schema.Dimension}).");
        }
    }

}
