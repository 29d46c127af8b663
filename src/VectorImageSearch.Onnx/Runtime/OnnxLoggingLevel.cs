namespace VectorImageSearch.Onnx.Runtime;

/// <summary>The least severe ONNX Runtime log message that is written (<c>OrtLoggingLevel</c>); ORT writes to standard error.</summary>
public enum OnnxLoggingLevel
{
    /// <summary>Everything, including verbose details.</summary>
    Verbose = 0,

    /// <summary>Informational messages and above.</summary>
    Info = 1,

    /// <summary>Warnings and above (the default).</summary>
    Warning = 2,

    /// <summary>Errors and above.</summary>
    Error = 3,

    /// <summary>Fatal errors only.</summary>
    Fatal = 4,
}
