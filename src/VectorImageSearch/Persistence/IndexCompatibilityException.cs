namespace VectorImageSearch.Persistence;

/// <summary>A saved index was built with another model or dimension than the one configured now.</summary>
public sealed class IndexCompatibilityException : Exception
{
    /// <summary>Creates the exception for the index at <paramref name="indexPath"/>.</summary>
    /// <param name="indexPath">The index folder.</param>
    /// <param name="problem">What does not match, naming both sides.</param>
    public IndexCompatibilityException(string indexPath, string problem)
        : base($"Index '{indexPath}' does not fit the configured model: {problem}")
    {
        IndexPath = indexPath;
    }

    /// <summary>The index folder.</summary>
    public string IndexPath { get; }
}
