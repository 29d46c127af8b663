namespace VectorImageSearch.Onnx.Runtime;

/// <summary>ONNX Runtime's error codes (<c>OrtErrorCode</c>), as carried by <see cref="OnnxRuntimeException"/>.</summary>
public enum OnnxRuntimeErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,

    /// <summary>A general failure.</summary>
    Fail = 1,

    /// <summary>An argument was invalid: a wrong input name, type or shape.</summary>
    InvalidArgument = 2,

    /// <summary>A file does not exist.</summary>
    NoSuchFile = 3,

    /// <summary>No model was loaded.</summary>
    NoModel = 4,

    /// <summary>The execution engine failed.</summary>
    EngineError = 5,

    /// <summary>An operator threw at run time.</summary>
    RuntimeException = 6,

    /// <summary>The model is not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,

    /// <summary>A model was already loaded.</summary>
    ModelLoaded = 8,

    /// <summary>The feature is not implemented in this build.</summary>
    NotImplemented = 9,

    /// <summary>The graph is invalid.</summary>
    InvalidGraph = 10,

    /// <summary>An execution provider failed.</summary>
    ExecutionProviderFail = 11,
}
