namespace VectorImageSearch;

/// <summary>One result of an image search.</summary>
/// <param name="Id">The image's id in the index.</param>
/// <param name="Key">The image's key: its path when it was indexed from a file, or the key it was added with.</param>
/// <param name="Score">Cosine similarity between the query and the image, from -1 to 1; larger is closer.</param>
/// <param name="Rank">Position in the result list, from 1.</param>
/// <param name="Metadata">The metadata stored with the image.</param>
public sealed record SearchHit(long Id, string Key, float Score, int Rank, IReadOnlyDictionary<string, string> Metadata);
