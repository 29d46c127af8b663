namespace VectorImageSearch;

/// <summary>A model folder or model file is missing, incomplete or does not have the inputs and outputs needed.</summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception for the model at <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">The model folder or file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ModelLoadException(string modelPath, string problem, Exception? innerException = null)
        : base($"Model '{modelPath}': {problem}", innerException)
    {
        ModelPath = modelPath;
    }

    /// <summary>The model folder or file.</summary>
    public string ModelPath { get; }
}
