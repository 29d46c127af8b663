namespace VectorImageSearch;

/// <summary>An image could not be read or decoded: corrupt, truncated, empty, unsupported or too large.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception for <paramref name="inputName"/> with the <paramref name="problem"/> found.</summary>
    /// <param name="inputName">The path or name of the image.</param>
    /// <param name="problem">What is wrong, phrased to follow the image's name ("is empty").</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ImageDecodeException(string inputName, string problem, Exception? innerException = null)
        : base($"Image '{inputName}' {problem}", innerException)
    {
        InputName = inputName;
        Problem = problem;
    }

    /// <summary>The path or name of the image.</summary>
    public string InputName { get; }

    /// <summary>What is wrong with the image.</summary>
    public string Problem { get; }
}
