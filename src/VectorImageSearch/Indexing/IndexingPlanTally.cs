namespace VectorImageSearch.Indexing;

/// <summary>
/// What the producer of an indexing run's work has looked at so far: every file planned, those skipped as unchanged,
/// and those it could not plan. Written by the producer, read by the pipeline for progress; thread-safe.
/// </summary>
internal sealed class IndexingPlanTally
{
    private int _planned;
    private int _unchanged;
    private int _failed;

    /// <summary>Files looked at: to encode, unchanged or failed.</summary>
    public int Planned => Volatile.Read(ref _planned);

    /// <summary>Files skipped because the store holds them as they are.</summary>
    public int Unchanged => Volatile.Read(ref _unchanged);

    /// <summary>Paths the producer could not plan (unreadable folders, vanished files).</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Counts <paramref name="count"/> more files looked at.</summary>
    public void AddPlanned(int count = 1) => Interlocked.Add(ref _planned, count);

    /// <summary>Counts <paramref name="count"/> more unchanged files.</summary>
    public void AddUnchanged(int count = 1) => Interlocked.Add(ref _unchanged, count);

    /// <summary>Counts one more path that could not be planned.</summary>
    public void AddFailed() => Interlocked.Increment(ref _failed);
}
