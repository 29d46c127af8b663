using System.Text;
using VectorImageSearch.Onnx.Interop;

namespace VectorImageSearch.Onnx.Runtime;

/// <summary>How an <see cref="OnnxSession"/> runs: threads, graph optimisation, execution provider.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>The defaults: CPU, every graph optimisation, ONNX Runtime's default thread counts.</summary>
    public static OnnxSessionOptions Default { get; } = new();

    /// <summary>Threads used inside one operator (0 = ONNX Runtime's default, one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's worker threads spin while they wait for work (its default, <see langword="true"/>): the
    /// lowest latency when the cores are otherwise idle, but the spinning takes CPU from other work on the same cores,
    /// such as decoding images while indexing. <see langword="false"/> makes idle workers sleep.
    /// </summary>
    public bool AllowThreadSpinning { get; init; } = true;

    /// <summary>Threads used to run independent operators at once with <see cref="OnnxExecutionMode.Parallel"/> (0 = default).</summary>
    public int InterOpThreads { get; init; }

    /// <summary>How much the graph is rewritten at load time.</summary>
    public OnnxGraphOptimizationLevel GraphOptimizationLevel { get; init; } = OnnxGraphOptimizationLevel.All;

    /// <summary>Whether independent nodes run one after another or in parallel.</summary>
    public OnnxExecutionMode ExecutionMode { get; init; } = OnnxExecutionMode.Sequential;

    /// <summary>Where the model runs.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>The CUDA device, when <see cref="ExecutionProvider"/> is <see cref="OnnxExecutionProvider.Cuda"/>.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>Whether ONNX Runtime keeps a CPU memory arena (faster repeated runs, memory held longer).</summary>
    public bool EnableCpuMemoryArena { get; init; } = true;

    /// <summary>Checks the values and throws <see cref="ArgumentOutOfRangeException"/> for a bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads, nameof(IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(InterOpThreads, nameof(InterOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(CudaDeviceId, nameof(CudaDeviceId));
        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "Unknown graph optimisation level.");
        }
        if (!Enum.IsDefined(ExecutionMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionMode), ExecutionMode, "Unknown execution mode.");
        }
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "Unknown execution provider.");
        }
    }

    /// <summary>Creates the native <c>OrtSessionOptions*</c> these options describe.</summary>
    internal unsafe OrtHandle CreateNative(OrtApi api, OnnxEnvironment environment)
    {
        Validate();
        IntPtr pointer;
        api.Check(api.CreateSessionOptions(&pointer));
        var options = new OrtHandle(pointer, api.ReleaseSessionOptions);
        try
        {
            api.Check(api.SetIntraOpNumThreads(pointer, IntraOpThreads));
            api.Check(api.SetInterOpNumThreads(pointer, InterOpThreads));
            if (!AllowThreadSpinning)
            {
                AddConfigEntry(api, pointer, "session.intra_op.allow_spinning\0"u8, "0\0"u8);
                AddConfigEntry(api, pointer, "session.inter_op.allow_spinning\0"u8, "0\0"u8);
            }
            api.Check(api.SetSessionGraphOptimizationLevel(pointer, (int)GraphOptimizationLevel));
            api.Check(api.SetSessionExecutionMode(pointer, (int)ExecutionMode));
            api.Check(api.SetSessionLogSeverityLevel(pointer, (int)environment.LoggingLevel));
            api.Check(EnableCpuMemoryArena ? api.EnableCpuMemArena(pointer) : api.DisableCpuMemArena(pointer));
            if (ExecutionProvider == OnnxExecutionProvider.Cuda)
            {
                AppendCuda(api, environment, pointer);
            }
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private static unsafe void AddConfigEntry(OrtApi api, IntPtr options, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            api.Check(api.AddSessionConfigEntry(options, keyPointer, valuePointer));
        }
    }

    private unsafe void AppendCuda(OrtApi api, OnnxEnvironment environment, IntPtr options)
    {
        IntPtr cudaOptions = IntPtr.Zero;
        try
        {
            api.Check(api.CreateCudaProviderOptions(&cudaOptions));
            var key = "device_id\0"u8;
            var value = Encoding.UTF8.GetBytes(CudaDeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\0");
            fixed (byte* keyPointer = key)
            fixed (byte* valuePointer = value)
            {
                var keys = stackalloc byte*[1] { keyPointer };
                var values = stackalloc byte*[1] { valuePointer };
                api.Check(api.UpdateCudaProviderOptions(cudaOptions, keys, values, 1));
            }
            api.Check(api.SessionOptionsAppendExecutionProviderCudaV2(options, cudaOptions));
        }
        catch (OnnxRuntimeException e)
        {
            var built = environment.AvailableProviders.Contains("CUDAExecutionProvider")
                ? "This ONNX Runtime build supports CUDA, but"
                : "This ONNX Runtime build does not list the CUDA provider, and";
            throw e.WithContext(
                $"The CUDA execution provider (device {CudaDeviceId}) could not be enabled. {built} it needs " +
                "libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so beside libonnxruntime.so.1 " +
                $"(ONNX Runtime {environment.Version}'s GPU package), plus the CUDA runtime, cuBLAS and cuDNN libraries and an NVIDIA driver. " +
                "Use OnnxExecutionProvider.Cpu where they are not installed");
        }
        finally
        {
            if (cudaOptions != IntPtr.Zero)
            {
                api.ReleaseCudaProviderOptions(cudaOptions);
            }
        }
    }
}
