namespace VectorImageSearch.Persistence;

/// <summary>A saved index is missing, truncated, corrupt or of an unknown format version.</summary>
public sealed class IndexFormatException : Exception
{
    /// <summary>Creates the exception for the index at <paramref name="indexPath"/>.</summary>
    /// <param name="indexPath">The index folder or file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public IndexFormatException(string indexPath, string problem, Exception? innerException = null)
        : base($"Index '{indexPath}' cannot be loaded: {problem}", innerException)
    {
        IndexPath = indexPath;
    }

    /// <summary>The index folder or file.</summary>
    public string IndexPath { get; }
}
