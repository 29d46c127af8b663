using VectorImageSearch.Faiss.Indexes;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <summary>
/// A FAISS index in this process: Flat, IVF-Flat, IVF-PQ (optionally re-ranked), HNSW, SQ8, SQfp16, IVF-SQ8 or any factory string, over FAISS's
/// official C API plus our shim for per-call search parameters.
/// </summary>
/// <remarks>
/// <para>Thread safety: any number of searches (and <see cref="Save"/>, <see cref="ToBytes"/>, <see cref="Reconstruct(long, Span{float})"/>)
/// run in parallel; <see cref="Train(ReadOnlySpan{float})"/>, <see cref="Add(ReadOnlySpan{float}, ReadOnlySpan{long})"/> and
/// <see cref="Remove"/> wait for them and run alone. Per-call <see cref="VectorSearchOptions"/> never change the index.</para>
/// <para>Ids: every vector has an int64 id. Kinds that cannot store ids themselves (Flat, HNSW, refined IVF-PQ) are wrapped
/// in FAISS's <c>IndexIDMap2</c>, which also makes <see cref="Reconstruct(long, Span{float})"/> work by id.</para>
/// </remarks>
internal sealed partial class FaissIndex : IVectorIndex
{
    private const int CapabilityIds = 1;
    private const int CapabilityRemove = 2;
    private const int CapabilityIvf = 4;
    private const int CapabilityHnsw = 8;
    private const int CapabilityReadOnly = 16;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private SafeFaissIndexHandle? _handle;
    private IndexSpec? _pendingSpec;
    private int _capabilities;
    private int _threads;
    private bool _disposed;

    private FaissIndex(SafeFaissIndexHandle? handle, int dimension, VectorMetric metric, IndexSpec? spec, IndexSpec? pendingSpec)
    {
        _handle = handle;
        Dimension = dimension;
        Metric = metric;
        Spec = spec;
        _pendingSpec = pendingSpec;
        if (handle is not null)
        {
            _capabilities = QueryCapabilities(handle);
        }
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <summary>
    /// The resolved spec this index was built from, or <see langword="null"/> for an index loaded from a file or bytes
    /// (see <see cref="Description"/>) and for an automatic spec that is chosen at the first <see cref="Train(ReadOnlySpan{float})"/>.
    /// </summary>
    public IndexSpec? Spec { get; private set; }

    /// <inheritdoc />
    public long Count => Read(static h => FaissNative.IndexCount(h), 0L);

    /// <inheritdoc />
    public bool IsTrained => Read(static h => FaissNative.IndexIsTrained(h) != 0, false);

    /// <summary>Whether the index can remove vectors (Flat and IVF kinds; not HNSW or refined IVF-PQ).</summary>
    public bool SupportsRemove => (Volatile.Read(ref _capabilities) & CapabilityRemove) != 0;

    /// <summary>Whether the index has inverted lists, so <see cref="VectorSearchOptions.NProbe"/> applies.</summary>
    public bool IsIvf => (Volatile.Read(ref _capabilities) & CapabilityIvf) != 0;

    /// <summary>Whether the index has an HNSW graph, so <see cref="VectorSearchOptions.EfSearch"/> applies.</summary>
    public bool IsHnsw => (Volatile.Read(ref _capabilities) & CapabilityHnsw) != 0;

    /// <summary>Whether the index was memory-mapped by <see cref="Load"/> and so cannot be trained, added to, removed from or saved.</summary>
    public bool IsReadOnly => (Volatile.Read(ref _capabilities) & CapabilityReadOnly) != 0;

    /// <inheritdoc />
    /// <remarks>Derived from the native index in FAISS factory-string syntax, for example <c>IDMap2,HNSW32</c> or <c>IVF1024,PQ64x8,RFlat</c>.</remarks>
    public string Description => Read(Describe, _pendingSpec is null ? "(disposed)" : $"{_pendingSpec} (chosen at Train)");

    /// <summary>Frees the native index after running searches finish.</summary>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _handle?.Dispose();
            _handle = null;
            ReleaseGpu();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"FaissIndex({Description}, d={Dimension}, {Metric}, n={Count})";

    private T Read<T>(Func<IntPtr, T> read, T whenEmpty)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return _handle is null ? whenEmpty : read(_handle.DangerousGetHandle());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private SafeFaissIndexHandle SearchableHandle()
    {
        ThrowIfDisposed();
        return _handle ?? throw new InvalidOperationException(
            $"The automatic index ({_pendingSpec}) is chosen when it is trained: call Train (with all vectors or a sample) first, or create it with an expected count.");
    }

    private SafeFaissIndexHandle WritableHandle(string operation)
    {
        var handle = SearchableHandle();
        ThrowIfReadOnly(operation);
        return handle;
    }

    private void ThrowIfReadOnly(string operation)
    {
        if ((_capabilities & CapabilityReadOnly) != 0)
        {
            throw new InvalidOperationException($"Cannot {operation}: the index was memory-mapped and is read-only. Load it without memoryMap to change it.");
        }
        if (IsOnGpu && operation != "add vectors")
        {
            throw new NotSupportedException($"Cannot {operation} on a GPU clone; change the CPU index and clone it again.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
