namespace VectorImageSearch;

/// <summary>How far a near-duplicate scan has come.</summary>
/// <param name="Scanned">Images whose neighbours have been searched.</param>
/// <param name="Total">Images to scan.</param>
/// <param name="Linked">Images found so far to have at least one near duplicate.</param>
public sealed record DuplicateScanProgress(long Scanned, long Total, long Linked);
