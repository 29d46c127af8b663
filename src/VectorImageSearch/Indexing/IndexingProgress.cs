namespace VectorImageSearch;

/// <summary>Where an indexing run stands; reported after every batch.</summary>
/// <param name="Total">Images the run will look at (new, changed and unchanged).</param>
/// <param name="Done">Images finished: encoded, unchanged or failed.</param>
/// <param name="Encoded">Images encoded and added to the index so far.</param>
/// <param name="Unchanged">Images skipped because the index already holds them as they are.</param>
/// <param name="Failed">Images that could not be read or decoded.</param>
/// <param name="ImagesPerSecond">Encoding throughput since the run started.</param>
/// <param name="EstimatedRemaining">Time left at the current throughput; <see langword="null"/> until known.</param>
public sealed record IndexingProgress(
    int Total,
    int Done,
    int Encoded,
    int Unchanged,
    int Failed,
    double ImagesPerSecond,
    TimeSpan? EstimatedRemaining);
