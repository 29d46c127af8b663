namespace VectorImageSearch.Onnx.Runtime;

/// <summary>An ONNX Runtime call failed; carries ORT's own error code and message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates the exception for an error ONNX Runtime reported.</summary>
    /// <param name="errorCode">ORT's error code.</param>
    /// <param name="ortMessage">ORT's message, unchanged.</param>
    public OnnxRuntimeException(OnnxRuntimeErrorCode errorCode, string ortMessage)
        : this(errorCode, ortMessage, context: null, innerException: null)
    {
    }

    /// <summary>Creates the exception for an error ONNX Runtime reported while doing <paramref name="context"/>.</summary>
    /// <param name="errorCode">ORT's error code.</param>
    /// <param name="ortMessage">ORT's message, unchanged.</param>
    /// <param name="context">What was being done, put before ORT's message (for example "Loading model 'x.onnx'").</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public OnnxRuntimeException(OnnxRuntimeErrorCode errorCode, string ortMessage, string? context, Exception? innerException = null)
        : base(context is null ? $"[ONNX Runtime {errorCode}] {ortMessage}" : $"{context}: [ONNX Runtime {errorCode}] {ortMessage}", innerException)
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage;
    }

    /// <summary>ORT's error code.</summary>
    public OnnxRuntimeErrorCode ErrorCode { get; }

    /// <summary>ORT's message, without the context this package adds.</summary>
    public string OrtMessage { get; }

    /// <summary>The same error with <paramref name="context"/> put in front of its message.</summary>
    internal OnnxRuntimeException WithContext(string context) => new(ErrorCode, OrtMessage, context, this);
}
