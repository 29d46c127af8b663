using System.Buffers;
using System.Text;
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
public sealed partial class FaissIndex : IVectorIndex
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

    /// <summary>
    /// The number of OpenMP threads FAISS uses for this index's training, adding and searching; 0 (the default) keeps
    /// FAISS's own (one per core). The setting applies per call on the calling thread only, so indexes with different
    /// settings never disturb each other. Many concurrent single-query searches run best with 1.
    /// </summary>
    public int Threads
    {
        get => Volatile.Read(ref _threads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _threads, value);
        }
    }

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

    /// <summary>The default number of IVF cells a search visits (0 for kinds without IVF).</summary>
    public int DefaultNProbe => Read(h => GetDefaults(h).NProbe, 0);

    /// <summary>The default HNSW search candidate list size (0 for kinds without HNSW).</summary>
    public int DefaultEfSearch => Read(h => GetDefaults(h).EfSearch, 0);

    /// <summary>Re-ranked kinds (IVF-PQ with refine): how many candidates per result are re-ranked exactly (0 for other kinds).</summary>
    public float DefaultRefineFactor => Read(h => GetDefaults(h).RefineFactor, 0f);

    /// <inheritdoc />
    /// <remarks>Derived from the native index in FAISS factory-string syntax, for example <c>IDMap2,HNSW32</c> or <c>IVF1024,PQ64x8,RFlat</c>.</remarks>
    public string Description => Read(Describe, _pendingSpec is null ? "(disposed)" : $"{_pendingSpec} (chosen at Train)");

    /// <summary>
    /// Creates an empty index for vectors of <paramref name="dimension"/> floats. Automatic choices (<see cref="IndexSpec.Auto(long)"/>,
    /// an IVF cell count of 0) use <paramref name="expectedCount"/> or the spec's own expected count; when neither is known
    /// they are made at the first <see cref="Train(ReadOnlySpan{float})"/> from the number of vectors it receives.
    /// </summary>
    /// <param name="dimension">The vector length.</param>
    /// <param name="spec">What index to build.</param>
    /// <param name="metric">How vectors are compared; inner product is cosine similarity on normalised vectors.</param>
    /// <param name="expectedCount">The number of vectors the index will hold, when known.</param>
    /// <exception cref="FaissException">FAISS refused the factory string.</exception>
    public static FaissIndex Create(int dimension, IndexSpec spec, VectorMetric metric = VectorMetric.InnerProduct, long expectedCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        }
        var count = expectedCount > 0 ? expectedCount : spec.ExpectedCount;
        if (count == 0 && NeedsCount(spec))
        {
            _ = spec.Resolve(1, dimension); // validates the fixed parts now
            return new FaissIndex(null, dimension, metric, null, spec);
        }
        var resolved = spec.Resolve(count, dimension);
        return new FaissIndex(CreateNative(dimension, resolved, metric, count), dimension, metric, resolved, null);
    }

    /// <summary>Creates an index from a FAISS factory string, for example <c>"IVF1024,Flat"</c> or <c>"HNSW32"</c>.</summary>
    /// <param name="dimension">The vector length.</param>
    /// <param name="factoryString">The FAISS index factory description.</param>
    /// <param name="metric">How vectors are compared.</param>
    public static FaissIndex Create(int dimension, string factoryString, VectorMetric metric = VectorMetric.InnerProduct) =>
        Create(dimension, IndexSpec.Factory(factoryString), metric);

    /// <summary>Trains the index on all of <paramref name="vectors"/>. Flat and HNSW need no training (a no-op).</summary>
    /// <param name="vectors">Training vectors laid end to end, a multiple of <see cref="Dimension"/> floats.</param>
    public void Train(ReadOnlySpan<float> vectors) => Train(vectors, int.MaxValue);

    /// <summary>
    /// Trains on at most <paramref name="maxTrainingVectors"/> vectors drawn uniformly at random (without replacement) from
    /// <paramref name="vectors"/>. An automatic spec is resolved from the full count first.
    /// </summary>
    /// <param name="vectors">Candidate training vectors, a multiple of <see cref="Dimension"/> floats.</param>
    /// <param name="maxTrainingVectors">The sample size; <see cref="RecommendedTrainingCount"/> gives a good one.</param>
    /// <param name="seed">The random seed of the sample, for reproducible builds.</param>
    public void Train(ReadOnlySpan<float> vectors, int maxTrainingVectors, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrainingVectors, 1);
        var n = VectorChecks.CountVectors(vectors, Dimension, nameof(vectors));
        VectorChecks.EnsureFinite(vectors, Dimension, nameof(vectors));
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_handle is null)
            {
                var resolved = _pendingSpec!.Resolve(n, Dimension);
                _handle = CreateNative(Dimension, resolved, Metric, n);
                Volatile.Write(ref _capabilities, QueryCapabilities(_handle));
                Spec = resolved;
                _pendingSpec = null;
            }
            ThrowIfReadOnly("train");
            if (n <= maxTrainingVectors)
            {
                TrainNative(vectors, n);
                return;
            }
            var sample = ArrayPool<float>.Shared.Rent(maxTrainingVectors * Dimension);
            try
            {
                SampleRows(vectors, n, maxTrainingVectors, seed, sample.AsSpan(0, maxTrainingVectors * Dimension));
                TrainNative(sample.AsSpan(0, maxTrainingVectors * Dimension), maxTrainingVectors);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(sample);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>How many vectors to train on when <paramref name="count"/> are available (all for Flat and HNSW, which ignore them).</summary>
    /// <param name="count">The number of vectors available for training.</param>
    public long RecommendedTrainingCount(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var spec = Spec ?? _pendingSpec;
        return spec is null ? Math.Min(count, 100_000) : spec.RecommendedTrainingCount(count, Dimension);
    }

    /// <summary>
    /// Adds vectors under ids <see cref="Count"/>, <see cref="Count"/> + 1, … and returns the first. Do not mix with
    /// explicit ids that could collide with these.
    /// </summary>
    /// <param name="vectors">Vectors laid end to end, a multiple of <see cref="Dimension"/> floats.</param>
    /// <returns>The id of the first vector added.</returns>
    public long Add(ReadOnlySpan<float> vectors)
    {
        var n = VectorChecks.CountVectors(vectors, Dimension, nameof(vectors));
        VectorChecks.EnsureFinite(vectors, Dimension, nameof(vectors));
        var ids = ArrayPool<long>.Shared.Rent(n);
        _lock.EnterWriteLock();
        try
        {
            var handle = WritableHandle("add vectors");
            var first = FaissNative.IndexCount(handle.DangerousGetHandle());
            for (var i = 0; i < n; i++)
            {
                ids[i] = first + i;
            }
            AddNative(handle, vectors, ids.AsSpan(0, n), n);
            return first;
        }
        finally
        {
            _lock.ExitWriteLock();
            ArrayPool<long>.Shared.Return(ids);
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The index is not trained, or is read-only.</exception>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids)
    {
        var n = VectorChecks.CountVectors(vectors, Dimension, nameof(vectors));
        if (ids.Length != n)
        {
            throw new ArgumentException($"{n} vectors need {n} ids, but {ids.Length} were given.", nameof(ids));
        }
        VectorChecks.EnsureFinite(vectors, Dimension, nameof(vectors));
        _lock.EnterWriteLock();
        try
        {
            AddNative(WritableHandle("add vectors"), vectors, ids, n);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The same as <see cref="Add(ReadOnlySpan{float}, ReadOnlySpan{long})"/>: adds vectors under explicit int64 ids.</summary>
    /// <param name="vectors">Vectors laid end to end, a multiple of <see cref="Dimension"/> floats.</param>
    /// <param name="ids">One id per vector.</param>
    public void AddWithIds(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids) => Add(vectors, ids);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The kind cannot remove vectors (HNSW, refined IVF-PQ, some factory strings).</exception>
    public long Remove(ReadOnlySpan<long> ids)
    {
        if (ids.IsEmpty)
        {
            return 0;
        }
        _lock.EnterWriteLock();
        try
        {
            var handle = WritableHandle("remove vectors");
            if ((_capabilities & CapabilityRemove) == 0)
            {
                throw new NotSupportedException(
                    $"A '{Describe(handle.DangerousGetHandle())}' index cannot remove vectors: FAISS removes from Flat and IVF indexes only " +
                    "(not HNSW graphs or re-ranked IVF-PQ). Rebuild the index without those vectors, or choose a kind that supports removal.");
            }
            unsafe
            {
                fixed (long* idPointer = ids)
                {
                    FaissNative.Check(FaissNative.IdSelectorBatchNew(out var selector, (nuint)ids.Length, idPointer), "create an id selector");
                    try
                    {
                        FaissNative.Check(FaissNative.IndexRemoveIds(handle.DangerousGetHandle(), selector, out var removed), "remove vectors");
                        return (long)removed;
                    }
                    finally
                    {
                        FaissNative.IdSelectorFree(selector);
                    }
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Writes the stored vector with id <paramref name="id"/> to <paramref name="destination"/> (decoded, so approximate for PQ).</summary>
    /// <param name="id">The vector's id.</param>
    /// <param name="destination">At least <see cref="Dimension"/> floats.</param>
    /// <exception cref="FaissException">No vector has this id.</exception>
    public void Reconstruct(long id, Span<float> destination)
    {
        if (destination.Length < Dimension)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {Dimension} are needed.", nameof(destination));
        }
        EnsureDirectMap();
        _lock.EnterReadLock();
        try
        {
            var handle = SearchableHandle();
            unsafe
            {
                fixed (float* pointer = destination)
                {
                    FaissNative.Check(FaissNative.IndexReconstruct(handle.DangerousGetHandle(), id, pointer), $"reconstruct the vector with id {id}");
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The stored vector with id <paramref name="id"/>.</summary>
    /// <param name="id">The vector's id.</param>
    public float[] Reconstruct(long id)
    {
        var vector = new float[Dimension];
        Reconstruct(id, vector);
        return vector;
    }

    /// <inheritdoc />
    /// <remarks>
    /// When fewer than <paramref name="k"/> neighbours exist (k larger than <see cref="Count"/>, or an IVF search that visits
    /// too few cells) the remaining entries get id -1 and distance +∞ (L2) or -∞ (inner product).
    /// Options that do not apply to this kind (NProbe on HNSW, EfSearch on IVF, both on Flat) are ignored.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The queries are not a multiple of the dimension, hold NaN or ∞, or the buffers are too small.</exception>
    public void Search(ReadOnlySpan<float> queries, int k, Span<float> distances, Span<long> ids, VectorSearchOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var n = VectorChecks.CountVectors(queries, Dimension, nameof(queries));
        var needed = (long)n * k;
        if (distances.Length < needed)
        {
            throw new ArgumentException($"{n} queries × k={k} need {needed} distances; the span holds {distances.Length}.", nameof(distances));
        }
        if (ids.Length < needed)
        {
            throw new ArgumentException($"{n} queries × k={k} need {needed} ids; the span holds {ids.Length}.", nameof(ids));
        }
        VectorChecks.EnsureFinite(queries, Dimension, nameof(queries));
        var nprobe = options?.NProbe ?? 0;
        var efSearch = options?.EfSearch ?? 0;
        if (nprobe < 0 || efSearch < 0 || options?.NProbe == 0 || options?.EfSearch == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "NProbe and EfSearch must be positive when set.");
        }
        var exactFraction = options?.ExactFilterFraction ?? VectorSearchOptions.DefaultExactFilterFraction;
        if (!(exactFraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), exactFraction, "ExactFilterFraction must be between 0 and 1.");
        }
        var filter = options?.Filter?.Handle;
        var filterAdded = false;
        _lock.EnterReadLock();
        try
        {
            var handle = SearchableHandle();
            if (IsOnGpu && (nprobe > 0 || efSearch > 0 || filter is not null))
            {
                throw new NotSupportedException("Per-call NProbe / EfSearch and filters are not supported on a GPU index in FAISS 1.7.3; search it on the CPU (ToCpu) or without options.");
            }
            filter?.DangerousAddRef(ref filterAdded); // throws ObjectDisposedException for a disposed selector
            Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
            unsafe
            {
                fixed (float* x = queries)
                fixed (float* d = distances)
                fixed (long* l = ids)
                fixed (byte* e = error)
                {
                    var code = ShimNative.Search(handle.DangerousGetHandle(), n, x, k, nprobe, efSearch,
                        filter?.DangerousGetHandle() ?? IntPtr.Zero, exactFraction, Threads, d, l, e, (nuint)error.Length);
                    ShimNative.Check(code, error, "search");
                }
            }
        }
        finally
        {
            if (filterAdded)
            {
                filter!.DangerousRelease();
            }
            _lock.ExitReadLock();
        }
        var missing = Metric == VectorMetric.L2 ? float.PositiveInfinity : float.NegativeInfinity;
        var idRows = ids[..(int)needed];
        var distanceRows = distances[..(int)needed];
        for (var i = 0; i < idRows.Length; i++)
        {
            if (idRows[i] < 0)
            {
                idRows[i] = -1;
                distanceRows[i] = missing;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Returns at most <see cref="Count"/> matches when <paramref name="k"/> is larger; an empty list for an empty index.</remarks>
    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, VectorSearchOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"The query has {query.Length} floats; the index's dimension is {Dimension}.", nameof(query));
        }
        var results = SearchBatch(query, k, options);
        return results[0];
    }

    /// <summary>
    /// The <paramref name="k"/> nearest neighbours of <paramref name="query"/> among the vectors whose ids are in
    /// <paramref name="allowedIds"/>, closest first. For repeated searches with one set, create a
    /// <see cref="FaissIdSelector"/> once and pass it as <see cref="VectorSearchOptions.Filter"/>.
    /// </summary>
    /// <param name="query">One vector of <see cref="Dimension"/> floats.</param>
    /// <param name="k">How many neighbours.</param>
    /// <param name="allowedIds">The ids that may be returned.</param>
    /// <param name="options">Per-call parameters (their <see cref="VectorSearchOptions.Filter"/> is replaced).</param>
    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, ReadOnlySpan<long> allowedIds, VectorSearchOptions? options = null)
    {
        using var selector = FaissIdSelector.Batch(allowedIds);
        return Search(query, k, (options ?? new VectorSearchOptions()) with { Filter = selector });
    }

    /// <summary>The <paramref name="k"/> nearest neighbours of each query, closest first, without missing entries.</summary>
    /// <param name="queries">Queries laid end to end, a multiple of <see cref="Dimension"/> floats.</param>
    /// <param name="k">How many neighbours per query; more than <see cref="Count"/> gives <see cref="Count"/>.</param>
    /// <param name="options">Per-call parameters.</param>
    public IReadOnlyList<VectorMatch>[] SearchBatch(ReadOnlySpan<float> queries, int k, VectorSearchOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var n = VectorChecks.CountVectors(queries, Dimension, nameof(queries));
        var effectiveK = (int)Math.Min(k, Count);
        var results = new IReadOnlyList<VectorMatch>[n];
        if (effectiveK == 0)
        {
            VectorChecks.EnsureFinite(queries, Dimension, nameof(queries));
            Array.Fill(results, Array.Empty<VectorMatch>());
            return results;
        }
        var size = n * effectiveK;
        var distances = ArrayPool<float>.Shared.Rent(size);
        var ids = ArrayPool<long>.Shared.Rent(size);
        try
        {
            Search(queries, effectiveK, distances.AsSpan(0, size), ids.AsSpan(0, size), options);
            for (var q = 0; q < n; q++)
            {
                var found = 0;
                for (var j = 0; j < effectiveK; j++)
                {
                    if (ids[(q * effectiveK) + j] >= 0)
                    {
                        found++;
                    }
                }
                var matches = new VectorMatch[found];
                var at = 0;
                for (var j = 0; j < effectiveK; j++)
                {
                    var id = ids[(q * effectiveK) + j];
                    if (id >= 0)
                    {
                        matches[at++] = new VectorMatch(id, distances[(q * effectiveK) + j]);
                    }
                }
                results[q] = matches;
            }
            return results;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(distances);
            ArrayPool<long>.Shared.Return(ids);
        }
    }

    /// <summary>Sets the defaults searches use when <see cref="VectorSearchOptions"/> leave them out. Exclusive with searches.</summary>
    /// <param name="nprobe">IVF cells visited; <see langword="null"/> keeps the current one.</param>
    /// <param name="efSearch">HNSW candidate list size; <see langword="null"/> keeps the current one.</param>
    /// <param name="refineFactor">Re-ranked kinds: candidates re-ranked per result (k × factor); <see langword="null"/> keeps the current one.</param>
    public void SetDefaultSearchOptions(int? nprobe = null, int? efSearch = null, float? refineFactor = null)
    {
        if (nprobe is <= 0 || efSearch is <= 0)
        {
            throw new ArgumentOutOfRangeException(nprobe is <= 0 ? nameof(nprobe) : nameof(efSearch), "Must be positive.");
        }
        if (refineFactor is not null && !(refineFactor >= 1f && float.IsFinite(refineFactor.Value)))
        {
            throw new ArgumentOutOfRangeException(nameof(refineFactor), refineFactor, "Must be a finite number of at least 1.");
        }
        _lock.EnterWriteLock();
        try
        {
            var handle = SearchableHandle();
            SetDefaults(handle.DangerousGetHandle(), nprobe ?? 0, efSearch ?? 0, refineFactor ?? 0);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

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

    private static bool NeedsCount(IndexSpec spec) =>
        spec.Kind == IndexSpecKind.Auto || (spec.Kind is IndexSpecKind.IvfFlat or IndexSpecKind.IvfPq or IndexSpecKind.IvfSq8 && spec.NList == 0);

    private static SafeFaissIndexHandle CreateNative(int dimension, IndexSpec resolved, VectorMetric metric, long count)
    {
        FaissNativeLibraries.EnsureRegistered();
        var factory = resolved.ToFactoryString(dimension, count);
        FaissNative.Check(FaissNative.IndexFactory(out var pointer, dimension, factory, (int)metric), $"create an index from the factory string '{factory}'");
        var handle = new SafeFaissIndexHandle(pointer);
        try
        {
            switch (resolved.Kind)
            {
                case IndexSpecKind.IvfFlat or IndexSpecKind.IvfPq or IndexSpecKind.IvfSq8:
                    SetDefaults(pointer, resolved.NProbe, 0, resolved.RefineFactor);
                    break;
                case IndexSpecKind.Hnsw:
                    SetDefaults(pointer, 0, resolved.EfSearch, 0);
                    Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
                    unsafe
                    {
                        fixed (byte* e = error)
                        {
                            ShimNative.Check(ShimNative.SetEfConstruction(pointer, resolved.EfConstruction, e, (nuint)error.Length), error, "set efConstruction");
                        }
                    }
                    break;
            }
            if ((QueryCapabilities(handle) & CapabilityIds) == 0)
            {
                FaissNative.Check(FaissNative.IndexIdMap2New(out var wrapper, pointer), "wrap the index in IndexIDMap2");
                FaissNative.IndexIdMap2SetOwnFields(wrapper, 1);
                handle.SetHandleAsInvalid(); // the wrapper owns the inner index now
                return new SafeFaissIndexHandle(wrapper);
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static unsafe int QueryCapabilities(SafeFaissIndexHandle handle)
    {
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.Capabilities(handle.DangerousGetHandle(), out var flags, e, (nuint)error.Length), error, "inspect the index");
            return flags;
        }
    }

    private static unsafe void SetDefaults(IntPtr index, int nprobe, int efSearch, float refineFactor)
    {
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.SetDefaults(index, nprobe, efSearch, refineFactor, e, (nuint)error.Length), error, "set default search parameters");
        }
    }

    private static unsafe (int NProbe, int EfSearch, float RefineFactor) GetDefaults(IntPtr index)
    {
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.GetDefaults(index, out var nprobe, out var efSearch, out var refineFactor, e, (nuint)error.Length), error, "read default search parameters");
            return (nprobe, efSearch, refineFactor);
        }
    }

    private static unsafe string Describe(IntPtr index)
    {
        Span<byte> buffer = stackalloc byte[1024];
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        fixed (byte* b = buffer)
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.Describe(index, b, (nuint)buffer.Length, e, (nuint)error.Length), error, "describe the index");
        }
        return Encoding.UTF8.GetString(buffer[..buffer.IndexOf((byte)0)]);
    }

    private static void SampleRows(ReadOnlySpan<float> vectors, int n, int sampleCount, int seed, Span<float> destination)
    {
        var dimension = vectors.Length / n;
        var order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }
            var random = new Random(seed);
            for (var i = 0; i < sampleCount; i++)
            {
                var j = random.Next(i, n);
                (order[i], order[j]) = (order[j], order[i]);
            }
            for (var i = 0; i < sampleCount; i++)
            {
                vectors.Slice(order[i] * dimension, dimension).CopyTo(destination.Slice(i * dimension, dimension));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private unsafe void TrainNative(ReadOnlySpan<float> vectors, int n)
    {
        using var threads = new OpenMpThreadScope(Threads);
        fixed (float* x = vectors)
        {
            FaissNative.Check(FaissNative.IndexTrain(_handle!.DangerousGetHandle(), n, x), $"train the index on {n} vectors");
        }
    }

    private unsafe void AddNative(SafeFaissIndexHandle handle, ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids, int n)
    {
        if (FaissNative.IndexIsTrained(handle.DangerousGetHandle()) == 0)
        {
            throw new InvalidOperationException($"The '{Describe(handle.DangerousGetHandle())}' index is not trained: call Train (with all vectors or a sample) before adding.");
        }
        using var threads = new OpenMpThreadScope(Threads);
        fixed (float* x = vectors)
        fixed (long* i = ids)
        {
            FaissNative.Check(FaissNative.IndexAddWithIds(handle.DangerousGetHandle(), n, x, i), $"add {n} vectors");
        }
    }

    private void EnsureDirectMap()
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            var handle = SearchableHandle();
            Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
            int needs;
            unsafe
            {
                fixed (byte* e = error)
                {
                    ShimNative.Check(ShimNative.NeedsDirectMap(handle.DangerousGetHandle(), out needs, e, (nuint)error.Length), error, "inspect the index");
                }
            }
            if (needs == 0)
            {
                return;
            }
            _lock.EnterWriteLock();
            try
            {
                unsafe
                {
                    fixed (byte* e = error)
                    {
                        ShimNative.Check(ShimNative.EnableReconstruct(handle.DangerousGetHandle(), e, (nuint)error.Length), error, "build the IVF direct map");
                    }
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

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
