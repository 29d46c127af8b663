namespace VectorImageSearch;

/// <summary>An image an indexing run could not add, and why.</summary>
/// <param name="Key">The file's path, or the key it was given.</param>
/// <param name="Reason">What went wrong, from the exception's message.</param>
public sealed record IndexingFailure(string Key, string Reason);
