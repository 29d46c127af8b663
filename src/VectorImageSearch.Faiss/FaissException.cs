namespace VectorImageSearch.Faiss;

/// <summary>FAISS refused an operation: a corrupt or truncated index, an unsupported factory string, an untrained index…</summary>
internal sealed class FaissException : Exception
{
    /// <summary>Creates the exception for <paramref name="operation"/> with FAISS's <paramref name="faissMessage"/>.</summary>
    /// <param name="operation">What was attempted, phrased to follow "could not" ("read the index from 'a.faiss'").</param>
    /// <param name="faissMessage">FAISS's own message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public FaissException(string operation, string faissMessage, Exception? innerException = null)
        : base($"FAISS could not {operation}: {faissMessage}", innerException)
    {
        Operation = operation;
        FaissMessage = faissMessage;
    }

    /// <summary>What was attempted.</summary>
    public string Operation { get; }

    /// <summary>FAISS's own message.</summary>
    public string FaissMessage { get; }
}
