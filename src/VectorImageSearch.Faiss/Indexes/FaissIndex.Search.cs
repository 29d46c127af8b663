using System.Buffers;
using VectorImageSearch.Faiss.Indexes;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>Searching: per-call parameters, id filters, batches, and the missing-entry convention.</content>
internal sealed partial class FaissIndex
{
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
}
