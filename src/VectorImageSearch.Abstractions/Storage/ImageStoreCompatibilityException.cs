namespace VectorImageSearch;

/// <summary>A store holds vectors of another model or dimension than the one it was opened for.</summary>
public class ImageStoreCompatibilityException : Exception
{
    /// <summary>Creates the exception for the store at <paramref name="location"/>.</summary>
    /// <param name="location">Where the store is: an index folder, or a database collection (never with a password).</param>
    /// <param name="problem">What does not match, naming both sides.</param>
    public ImageStoreCompatibilityException(string location, string problem)
        : base($"The image store at '{location}' cannot be used: {problem}")
    {
        Location = location;
    }

    /// <summary>Where the store is.</summary>
    public string Location { get; }
}
