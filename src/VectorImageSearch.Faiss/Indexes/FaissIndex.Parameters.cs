using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>Search defaults (nprobe, efSearch, refine factor) stored in the native index, and the OpenMP thread setting.</content>
internal sealed partial class FaissIndex
{
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

    /// <summary>The default number of IVF cells a search visits (0 for kinds without IVF).</summary>
    public int DefaultNProbe => Read(h => GetDefaults(h).NProbe, 0);

    /// <summary>The default HNSW search candidate list size (0 for kinds without HNSW).</summary>
    public int DefaultEfSearch => Read(h => GetDefaults(h).EfSearch, 0);

    /// <summary>Re-ranked kinds (IVF-PQ with refine): how many candidates per result are re-ranked exactly (0 for other kinds).</summary>
    public float DefaultRefineFactor => Read(h => GetDefaults(h).RefineFactor, 0f);

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
}
