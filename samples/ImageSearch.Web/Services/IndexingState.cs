namespace VectorImageSearch.Samples.Web.Services;

/// <summary>Where the indexing of the image folder stands.</summary>
public enum IndexingState
{
    /// <summary>No run since the server started.</summary>
    Idle = 0,

    /// <summary>A run is going on.</summary>
    Running = 1,

    /// <summary>The last run finished and its index was saved.</summary>
    Completed = 2,

    /// <summary>The last run was cancelled; what it had committed stays indexed and was saved.</summary>
    Cancelled = 3,

    /// <summary>The last run failed; <see cref="IndexingStatus.Message"/> says why.</summary>
    Failed = 4,
}
