namespace VectorImageSearch;

/// <summary>
/// The outcome of an indexing run, and where its time went. Decoding overlaps inference, so the stage times do not add
/// up to <see cref="Elapsed"/>: <see cref="WaitingForImages"/> is the part of decoding that inference did not hide.
/// </summary>
/// <param name="Encoded">Images encoded and added (new or changed).</param>
/// <param name="Unchanged">Images already indexed as they are, skipped without decoding.</param>
/// <param name="Removed">Images dropped because their file is gone.</param>
/// <param name="Failures">
/// Files (or folders) that could not be indexed, each key (the file's path, or the key it was given) with the reason, in
/// the order they failed; the run went on past them.
/// </param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="DecodeTime">Time the decode workers spent reading, hashing, decoding and preprocessing images, summed over the workers.</param>
/// <param name="DecodeWorkers">How many images were decoded at once (<see cref="ImageSearchOptions.DecodeParallelism"/>, at most one per image).</param>
/// <param name="InferenceTime">Wall time inside the model's batch runs.</param>
/// <param name="CommitTime">Wall time adding encoded batches to the store.</param>
/// <param name="WaitingForImages">Wall time the model loop waited for decoded images, the first batch included.</param>
public sealed record IndexingReport(
    int Encoded,
    int Unchanged,
    int Removed,
    IReadOnlyDictionary<string, string> Failures,
    TimeSpan Elapsed,
    TimeSpan DecodeTime,
    int DecodeWorkers,
    TimeSpan InferenceTime,
    TimeSpan CommitTime,
    TimeSpan WaitingForImages)
{
    /// <summary>A report of a run with the stage times its pipeline measured.</summary>
    internal IndexingReport(int encoded, int unchanged, int removed, IReadOnlyList<IndexingFailure> failures, TimeSpan elapsed, IndexingTimings timings)
        : this(encoded, unchanged, removed, ByKey(failures), elapsed, timings.Decode, timings.DecodeWorkers, timings.Inference, timings.Commit, timings.WaitingForImages)
    {
    }

    /// <summary>Encoding throughput of the run.</summary>
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Encoded / Elapsed.TotalSeconds : 0;

    /// <summary>The stage times as one line for logs and consoles, e.g. "decode 36.6 s on 2 workers, inference 1.0 s, commit 0.1 s, waiting for images 17.9 s".</summary>
    internal string TimingsSummary => new IndexingTimings(DecodeTime, DecodeWorkers, InferenceTime, CommitTime, WaitingForImages).ToString();

    /// <summary>The failures as key → reason, in order; a key that failed twice keeps both reasons.</summary>
    private static IReadOnlyDictionary<string, string> ByKey(IReadOnlyList<IndexingFailure> failures)
    {
        var byKey = new OrderedDictionary<string, string>(failures.Count, StringComparer.Ordinal);
        foreach (var failure in failures)
        {
            byKey[failure.Key] = byKey.TryGetValue(failure.Key, out var earlier) ? $"{earlier}; {failure.Reason}" : failure.Reason;
        }
        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(byKey);
    }
}
