namespace VectorImageSearch.Indexing;

/// <summary>The outcome of an indexing run.</summary>
/// <param name="Encoded">Images encoded and added (new or changed).</param>
/// <param name="Unchanged">Images already indexed as they are, skipped without decoding.</param>
/// <param name="Removed">Images dropped because their file is gone.</param>
/// <param name="Failures">Files that could not be indexed, each with the reason; the run went on past them.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Timings">Where the time went: decoding, inference, committing, and how long inference waited for decoded images.</param>
public sealed record IndexingReport(int Encoded, int Unchanged, int Removed, IReadOnlyList<IndexingFailure> Failures, TimeSpan Elapsed, IndexingTimings Timings)
{
    /// <summary>Encoding throughput of the run.</summary>
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Encoded / Elapsed.TotalSeconds : 0;
}
