namespace VectorImageSearch;

/// <summary>A set of near-duplicate images (at least two), found by <see cref="IImageSearch.FindDuplicatesAsync"/>.</summary>
/// <param name="Images">
/// The images ordered by key; each hit's <see cref="SearchHit.Score"/> is its highest similarity to another image of the
/// group, and its <see cref="SearchHit.Rank"/> its position in the group from 1.
/// </param>
public sealed record DuplicateGroup(IReadOnlyList<SearchHit> Images);
