namespace VectorImageSearch.Persistence;

/// <summary>
/// The error for a saved index that is missing, truncated, corrupt or of an unknown format version: an
/// <see cref="InvalidDataException"/> (users catch the BCL type) whose message names the folder or file and the problem.
/// </summary>
internal static class IndexFormatError
{
    /// <summary>Creates the exception for the index at <paramref name="indexPath"/>.</summary>
    /// <param name="indexPath">The index folder or file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public static InvalidDataException Create(string indexPath, string problem, Exception? innerException = null) =>
        new($"Index '{indexPath}' cannot be loaded: {problem}", innerException);
}
