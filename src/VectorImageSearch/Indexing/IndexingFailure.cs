namespace VectorImageSearch;

/// <summary>An image (or folder) an indexing run could not add, and why; the report lists them as key → reason.</summary>
/// <param name="Key">The file's path, or the key it was given.</param>
/// <param name="Reason">What went wrong, from the exception's message.</param>
internal sealed record IndexingFailure(string Key, string Reason);
