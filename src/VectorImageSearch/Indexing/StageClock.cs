using System.Diagnostics;

namespace VectorImageSearch.Indexing;

/// <summary>Accumulates the time of each indexing stage; decode workers add to it from several threads.</summary>
internal sealed class StageClock(int decodeWorkers)
{
    private long _decode;
    private long _inference;
    private long _commit;
    private long _waiting;

    /// <summary>Adds the time since <paramref name="started"/> (a <see cref="Stopwatch.GetTimestamp"/>) to decoding; thread-safe.</summary>
    public void AddDecode(long started) => Interlocked.Add(ref _decode, Stopwatch.GetTimestamp() - started);

    /// <summary>Adds the time since <paramref name="started"/> to inference (the model loop only: not thread-safe).</summary>
    public void AddInference(long started) => _inference += Stopwatch.GetTimestamp() - started;

    /// <summary>Adds the time since <paramref name="started"/> to committing (the model loop only: not thread-safe).</summary>
    public void AddCommit(long started) => _commit += Stopwatch.GetTimestamp() - started;

    /// <summary>Adds the time since <paramref name="started"/> to waiting for decoded images (the model loop only: not thread-safe).</summary>
    public void AddWaiting(long started) => _waiting += Stopwatch.GetTimestamp() - started;

    /// <summary>The totals so far.</summary>
    public IndexingTimings ToTimings() => new(
        Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _decode)),
        decodeWorkers,
        Stopwatch.GetElapsedTime(0, _inference),
        Stopwatch.GetElapsedTime(0, _commit),
        Stopwatch.GetElapsedTime(0, _waiting));
}
