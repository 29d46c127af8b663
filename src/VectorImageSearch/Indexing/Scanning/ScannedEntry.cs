namespace VectorImageSearch.Indexing.Scanning;

/// <summary>What a folder walk found: an image file, or a path it could not read and why.</summary>
/// <param name="File">The image file, or <see langword="null"/> for a failure.</param>
/// <param name="Failure">Why a path could not be read, or <see langword="null"/> for a file.</param>
internal readonly record struct ScannedEntry(FileInfo? File, IndexingFailure? Failure);
