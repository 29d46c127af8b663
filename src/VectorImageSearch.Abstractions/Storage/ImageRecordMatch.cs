namespace VectorImageSearch;

/// <summary>A record found by <see cref="IImageRecordStore.SearchAsync"/> and its cosine similarity to the query.</summary>
/// <param name="Record">The record, without its vector.</param>
/// <param name="Score">The cosine similarity to the query, 1 for the same direction.</param>
public readonly record struct ImageRecordMatch(ImageRecord Record, float Score);
