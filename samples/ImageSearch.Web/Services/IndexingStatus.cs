namespace VectorImageSearch.Samples.Web.Services;

/// <summary>A snapshot of the indexing of the image folder, sent by the status endpoint and as server-sent events.</summary>
/// <param name="State">Where the run stands.</param>
/// <param name="Run">The run's number since the server started (0 before the first).</param>
/// <param name="Total">Images the run looks at.</param>
/// <param name="Done">Images finished (encoded, unchanged or failed).</param>
/// <param name="Encoded">Images encoded so far.</param>
/// <param name="Unchanged">Images already indexed as they are.</param>
/// <param name="Failed">Images that could not be decoded.</param>
/// <param name="Removed">Images dropped because their file is gone (known when the run ends).</param>
/// <param name="ImagesPerSecond">Encoding throughput.</param>
/// <param name="Message">A sentence for people: what happened, or why it failed.</param>
public sealed record IndexingStatus(
    IndexingState State,
    int Run,
    int Total,
    int Done,
    int Encoded,
    int Unchanged,
    int Failed,
    int Removed,
    double ImagesPerSecond,
    string Message)
{
    /// <summary>The state before any run.</summary>
    public static IndexingStatus Idle { get; } = new(IndexingState.Idle, 0, 0, 0, 0, 0, 0, 0, 0, "Not indexed since the server started.");
}
