namespace VectorImageSearch;

/// <summary>How an index compares vectors.</summary>
internal enum VectorMetric
{
    /// <summary>Inner product; larger is closer. On L2-normalised vectors it is the cosine similarity.</summary>
    InnerProduct = 0,

    /// <summary>Squared Euclidean distance; smaller is closer.</summary>
    L2 = 1,
}
