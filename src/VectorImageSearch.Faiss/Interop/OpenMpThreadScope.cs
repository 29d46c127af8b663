namespace VectorImageSearch.Faiss.Interop;

/// <summary>
/// Sets the calling thread's OpenMP team size for the FAISS calls inside a <c>using</c> block and restores it after.
/// OpenMP keeps the setting per thread, so one index's choice never leaks into another thread's calls.
/// </summary>
internal readonly ref struct OpenMpThreadScope
{
    private readonly int _previous;

    /// <summary>Applies <paramref name="threads"/> when positive; does nothing otherwise.</summary>
    public OpenMpThreadScope(int threads)
    {
        if (threads > 0)
        {
            _previous = ShimNative.GetNumThreads();
            ShimNative.SetNumThreads(threads);
        }
    }

    /// <summary>Restores the previous team size.</summary>
    public void Dispose()
    {
        if (_previous > 0)
        {
            ShimNative.SetNumThreads(_previous);
        }
    }
}
