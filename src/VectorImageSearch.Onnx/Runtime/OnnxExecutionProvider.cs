namespace VectorImageSearch.Onnx.Runtime;

/// <summary>Where a session runs its model.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>ONNX Runtime's CPU execution provider (the default; always present).</summary>
    Cpu = 0,

    /// <summary>
    /// NVIDIA GPUs through ONNX Runtime's CUDA execution provider, with the CPU provider for nodes CUDA cannot run.
    /// Needs <c>libonnxruntime_providers_cuda.so</c> and <c>libonnxruntime_providers_shared.so</c> beside
    /// <c>libonnxruntime.so.1</c>, and the CUDA and cuDNN libraries they link; creating a session fails with an
    /// <see cref="OnnxRuntimeException"/> naming what is missing otherwise.
    /// </summary>
    Cuda = 1,
}
