using Microsoft.Extensions.Logging;

namespace VectorImageSearch.Postgres.Internal;

/// <summary>The store's log messages. They name the collection by its location, which never holds a password.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Migrated the image store schema at {Location} from version {From} to {To}")]
    public static partial void Migrated(ILogger logger, string location, int from, int to);

    [LoggerMessage(2, LogLevel.Information, "Image store {Location} {Action}: {Dimension} dimensions, {Kind} index, {Distance} distance")]
    public static partial void Opened(ILogger logger, string location, string action, int dimension, PgvectorIndexKind kind, PgvectorDistance distance);

    [LoggerMessage(3, LogLevel.Warning, "Image store {Location} was created with a {Kind} index ({Distance}); the options ask for {WantedKind} ({WantedDistance}), which apply to new collections only")]
    public static partial void IndexDiffers(ILogger logger, string location, PgvectorIndexKind kind, PgvectorDistance distance, PgvectorIndexKind wantedKind, PgvectorDistance wantedDistance);

    [LoggerMessage(4, LogLevel.Debug, "Image store {Location}: committed a batch of {Count} records in {Milliseconds} ms")]
    public static partial void Upserted(ILogger logger, string location, int count, long milliseconds);

    [LoggerMessage(5, LogLevel.Debug, "Image store {Location}: deleted {Deleted} of {Requested} keys")]
    public static partial void Deleted(ILogger logger, string location, int deleted, int requested);

    [LoggerMessage(6, LogLevel.Warning, "Image store {Location}: a batch of {Count} records failed and was rolled back")]
    public static partial void UpsertFailed(ILogger logger, string location, int count, Exception exception);
}
