namespace VectorImageSearch.Onnx.Inference;

/// <summary>
/// An execution provider could not be enabled: its ONNX Runtime package is not the one the application references,
/// or a library it needs (CUDA, cuDNN, TensorRT, a driver) is missing. The message names the provider, the package
/// to add, the libraries it needs, and what ONNX Runtime reported and logged.
/// </summary>
internal sealed class ExecutionProviderUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that failed.</param>
    /// <param name="message">The full explanation.</param>
    /// <param name="missingLibraries">Libraries ONNX Runtime said it could not load, as it named them.</param>
    /// <param name="onnxRuntimeLog">ONNX Runtime's log lines written while the provider was being enabled.</param>
    /// <param name="innerException">ONNX Runtime's own error.</param>
    public ExecutionProviderUnavailableException(OnnxExecutionProvider provider, string message, IReadOnlyList<string> missingLibraries,
        IReadOnlyList<string> onnxRuntimeLog, Exception? innerException)
        : base(message, innerException)
    {
        Provider = provider;
        MissingLibraries = missingLibraries;
        OnnxRuntimeLog = onnxRuntimeLog;
    }

    /// <summary>The provider that failed.</summary>
    public OnnxExecutionProvider Provider { get; }

    /// <summary>Libraries ONNX Runtime said it could not load (for example <c>libcublasLt.so.13</c>); empty when it named none.</summary>
    public IReadOnlyList<string> MissingLibraries { get; }

    /// <summary>ONNX Runtime's log lines (warnings and errors) written while the provider was being enabled.</summary>
    public IReadOnlyList<string> OnnxRuntimeLog { get; }
}
