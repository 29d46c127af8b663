using System.Buffers;
using VectorImageSearch.Faiss.Indexes;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>Adding, removing and reconstructing stored vectors.</content>
internal sealed partial class FaissIndex
{
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
}
