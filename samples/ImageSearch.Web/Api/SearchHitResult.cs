namespace VectorImageSearch.Samples.Web.Api;

/// <summary>One search result as the page shows it. Never a server path: the file name, and URLs by catalog id.</summary>
/// <param name="Id">The image's catalog id.</param>
/// <param name="FileName">The image's file name (or its key when it was not indexed from a file).</param>
/// <param name="Score">Cosine similarity to the query, -1 to 1.</param>
/// <param name="Rank">Position from 1.</param>
/// <param name="ThumbnailUrl">Where its thumbnail is.</param>
/// <param name="SimilarUrl">The "more like this" search for it.</param>
public sealed record SearchHitResult(long Id, string FileName, float Score, int Rank, string ThumbnailUrl, string SimilarUrl);
