namespace VectorImageSearch;

/// <summary>One neighbour found by an index: its id and its distance (or similarity, for inner product) to the query.</summary>
/// <param name="Id">The id the vector was added with.</param>
/// <param name="Distance">Squared L2 distance, or inner product, as the index's <see cref="VectorMetric"/> says.</param>
internal readonly record struct VectorMatch(long Id, float Distance);
