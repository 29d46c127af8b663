namespace VectorImageSearch.Persistence;

/// <summary>
/// A saved FAISS index folder was built with another model or dimension than the one configured now: the folder store's
/// <see cref="ImageStoreCompatibilityException"/>, so code that catches either sees it.
/// </summary>
internal sealed class IndexCompatibilityException : ImageStoreCompatibilityException
{
    /// <summary>Creates the exception for the index at <paramref name="indexPath"/>.</summary>
    /// <param name="indexPath">The index folder.</param>
    /// <param name="problem">What does not match, naming both sides.</param>
    public IndexCompatibilityException(string indexPath, string problem)
        : base(indexPath, problem)
    {
    }

    /// <summary>The index folder (the same as <see cref="ImageStoreCompatibilityException.Location"/>).</summary>
    public string IndexPath => Location;
}
