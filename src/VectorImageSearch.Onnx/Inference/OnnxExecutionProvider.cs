namespace VectorImageSearch.Onnx;

/// <summary>
/// Where ONNX Runtime runs the models. Every provider but <see cref="Cpu"/> comes from an ONNX Runtime package the
/// application adds (docs/packaging.md); where it cannot load, creating an encoder fails with a
/// <see cref="ModelLoadException"/> naming the package and
/// the missing library, or falls back to the CPU with a warning when <see cref="OnnxRuntimeOptions.FallbackToCpu"/> is set.
/// </summary>
public enum OnnxExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider (the default; in every ONNX Runtime package).</summary>
    Cpu = 0,

    /// <summary>NVIDIA GPUs: package Microsoft.ML.OnnxRuntime.Gpu.Linux (or .Gpu.Windows) 1.31.0 instead of the CPU package; CUDA 13 and cuDNN 9.</summary>
    Cuda = 1,

    /// <summary>NVIDIA TensorRT, with CUDA for the nodes TensorRT does not take: the GPU package plus TensorRT 10.</summary>
    TensorRT = 2,

    /// <summary>DirectX 12 GPUs on Windows: package Microsoft.ML.OnnxRuntime.DirectML.</summary>
    DirectML = 3,

    /// <summary>Apple's Core ML on macOS and iOS: in the CPU package Microsoft.ML.OnnxRuntime on those platforms.</summary>
    CoreML = 4,

    /// <summary>Intel CPUs, GPUs and NPUs through OpenVINO: package Intel.ML.OnnxRuntime.OpenVino.</summary>
    OpenVINO = 5,
}
