using Microsoft.ML.OnnxRuntime;

namespace VectorImageSearch.Onnx;

/// <summary>
/// How the encoders' ONNX Runtime sessions run: execution provider, threads, graph optimisation, and a hook that sees
/// ONNX Runtime's own <see cref="SessionOptions"/> last. Bindable from configuration (all but
/// <see cref="ConfigureSessionOptions"/>).
/// </summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>The defaults: CPU, every graph optimisation, ONNX Runtime's default thread counts, idle workers sleep (no spinning).</summary>
    public static OnnxRuntimeOptions Default { get; } = new();

    /// <summary>Where the models run (default <see cref="OnnxExecutionProvider.Cpu"/>).</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>The GPU (CUDA, TensorRT, DirectML device id) the models run on; ignored by the CPU, Core ML and OpenVINO.</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// When the <see cref="ExecutionProvider"/> cannot load (its package, libraries or driver are missing), run on
    /// the CPU instead and log a warning naming what was missing. Off by default: the failure is a
    /// <see cref="ModelLoadException"/> whose message names the provider, the package to add, the libraries it could
    /// not load and what ONNX Runtime logged.
    /// </summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>Threads used inside one operator (0 = ONNX Runtime's default, one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads used to run independent operators at once with <see cref="ExecutionMode.ORT_PARALLEL"/> (0 = default).</summary>
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's worker threads spin while they wait for work (ONNX Runtime's own default) instead of
    /// sleeping. Default <see langword="false"/>: the encoders share the cores with image decoding and with the host
    /// application, and spinning workers take CPU from them (measured in docs/benchmarks.md, "Speed"); set
    /// <see langword="true"/> for the lowest latency of single runs on cores that are otherwise idle.
    /// </summary>
    public bool AllowThreadSpinning { get; init; }

    /// <summary>How much the graph is rewritten at load time (default: everything).</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Whether independent nodes run one after another (the default) or in parallel.</summary>
    public ExecutionMode ExecutionMode { get; init; } = ExecutionMode.ORT_SEQUENTIAL;

    /// <summary>Whether ONNX Runtime keeps a CPU memory arena (faster repeated runs, memory held longer).</summary>
    public bool EnableCpuMemoryArena { get; init; } = true;

    /// <summary>
    /// Called with ONNX Runtime's <see cref="SessionOptions"/> after the settings above (and the provider) are applied,
    /// for anything else: another execution provider with its own options, config entries, free dimension overrides,
    /// profiling. Called for the CPU fallback session too.
    /// </summary>
    public Action<SessionOptions>? ConfigureSessionOptions { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or an unknown enum value.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads, nameof(IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(InterOpThreads, nameof(InterOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(DeviceId, nameof(DeviceId));
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider,
                "Unknown execution provider; use Cpu, Cuda, TensorRT, DirectML, CoreML or OpenVINO (or ConfigureSessionOptions for another).");
        }
        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel, "Unknown graph optimisation level.");
        }
        if (!Enum.IsDefined(ExecutionMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionMode), ExecutionMode, "Unknown execution mode.");
        }
    }
}
