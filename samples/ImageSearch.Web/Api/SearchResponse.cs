namespace VectorImageSearch.Samples.Web.Api;

/// <summary>The answer to a search.</summary>
/// <param name="Query">The query as the page can show it: the text, the uploaded file's name, or the id of the image.</param>
/// <param name="Kind">"text", "image" or "similar".</param>
/// <param name="K">The number of results asked for.</param>
/// <param name="ElapsedMilliseconds">Server time for the search.</param>
/// <param name="Hits">The results, closest first.</param>
public sealed record SearchResponse(string Query, string Kind, int K, double ElapsedMilliseconds, IReadOnlyList<SearchHitResult> Hits);
