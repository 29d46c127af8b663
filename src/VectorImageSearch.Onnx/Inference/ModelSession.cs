using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace VectorImageSearch.Onnx.Inference;

/// <summary>
/// One loaded model: ONNX Runtime's <see cref="InferenceSession"/>, its inputs and outputs as declared, and a
/// cancellable <c>Run</c> over caller-owned <see cref="OrtValue"/>s. Concurrent <c>Run</c> calls are safe (ONNX
/// Runtime's <c>Run</c> is thread-safe and this class keeps no per-call state).
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    private ModelSession(InferenceSession session, string file, OnnxExecutionProvider provider)
    {
        _session = session;
        File = file;
        Provider = provider;
        Inputs = session.InputNames.Select(name => ModelTensorInfo.From(name, session.InputMetadata[name])).ToArray();
        Outputs = session.OutputNames.Select(name => ModelTensorInfo.From(name, session.OutputMetadata[name])).ToArray();
        _inputIndex = IndexByName(Inputs);
        _outputIndex = IndexByName(Outputs);
    }

    /// <summary>The model file.</summary>
    public string File { get; }

    /// <summary>The provider the session runs on (the CPU after a fallback).</summary>
    public OnnxExecutionProvider Provider { get; }

    /// <summary>The inputs, in declaration order.</summary>
    public IReadOnlyList<ModelTensorInfo> Inputs { get; }

    /// <summary>The outputs, in declaration order.</summary>
    public IReadOnlyList<ModelTensorInfo> Outputs { get; }

    /// <summary>
    /// Loads <paramref name="file"/> with <paramref name="options"/>. When the provider cannot load and
    /// <see cref="OnnxRuntimeOptions.FallbackToCpu"/> is set, loads it on the CPU and logs a warning.
    /// </summary>
    /// <exception cref="ModelLoadException">ONNX Runtime cannot load the model, or the provider cannot load and no fallback was asked for
    /// (then the inner exception is an <see cref="ExecutionProviderUnavailableException"/>); the message names the file and the problem.</exception>
    public static ModelSession Open(string file, OnnxRuntimeOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        try
        {
            return Create(file, options, options.ExecutionProvider);
        }
        catch (ExecutionProviderUnavailableException e) when (options.FallbackToCpu)
        {
            logger.LogWarning("Model {File}: the {Provider} execution provider is unavailable, running on the CPU instead. {Reason}",
                file, e.Provider, e.Message);
            return Create(file, options, OnnxExecutionProvider.Cpu);
        }
        catch (ExecutionProviderUnavailableException e)
        {
            throw new ModelLoadException(file, e.Message, e);
        }
    }

    /// <summary>The position of the input called <paramref name="name"/>, or -1.</summary>
    public int GetInputIndex(string name) => _inputIndex.GetValueOrDefault(name, -1);

    /// <summary>The position of the output called <paramref name="name"/>, or -1.</summary>
    public int GetOutputIndex(string name) => _outputIndex.GetValueOrDefault(name, -1);

    /// <summary>Runs the model on <paramref name="inputs"/>, writing into the pre-bound <paramref name="outputs"/>.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled (ONNX Runtime stops between operators).</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime refused the inputs or failed; the message names the model.</exception>
    public void Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames,
        IReadOnlyCollection<OrtValue> outputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = Register(runOptions, cancellationToken);
        try
        {
            _session.Run(runOptions, inputNames, inputs, outputNames, outputs);
        }
        catch (OnnxRuntimeException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"Running ONNX model '{File}': {e.Message}", e);
        }
    }

    /// <summary>Runs the model and returns the outputs ONNX Runtime allocated (the caller disposes them).</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime refused the inputs or failed; the message names the model.</exception>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = Register(runOptions, cancellationToken);
        try
        {
            return _session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"Running ONNX model '{File}': {e.Message}", e);
        }
    }

    /// <summary>Lists values as "name: Type[dims]", comma-separated.</summary>
    public static string Describe(IEnumerable<ModelTensorInfo> values) => string.Join(", ", values.Select(v => v.ToString()));

    /// <summary>Releases the session.</summary>
    public void Dispose() => _session.Dispose();

    private static CancellationTokenRegistration Register(RunOptions runOptions, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, runOptions)
            : default;

    private static ModelSession Create(string file, OnnxRuntimeOptions options, OnnxExecutionProvider provider)
    {
        _ = OnnxRuntimeEnvironment.Instance;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            ExecutionMode = options.ExecutionMode,
            EnableCpuMemArena = options.EnableCpuMemoryArena,
        };
        if (!options.AllowThreadSpinning)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
        using (var capture = OnnxRuntimeEnvironment.Capture())
        {
            try
            {
                ExecutionProviders.Append(sessionOptions, provider, options.DeviceId);
            }
            catch (Exception e) when (ExecutionProviders.IsUnavailable(e))
            {
                throw ExecutionProviders.Unavailable(provider, e, [.. capture.Lines], OnnxRuntimeEnvironment.CapturesLog, options.DeviceId);
            }
        }
        options.ConfigureSessionOptions?.Invoke(sessionOptions);
        using (var capture = OnnxRuntimeEnvironment.Capture())
        {
            try
            {
                var session = new ModelSession(new InferenceSession(file, sessionOptions), file, provider);
                OnnxRuntimeEnvironment.Forward(capture.Lines); // warnings of a session that loaded go where ORT would write them
                return session;
            }
            catch (OnnxRuntimeException e)
            {
                var log = capture.Lines.Count > 0 ? $" ONNX Runtime's log: {string.Join(" | ", capture.Lines)}" : string.Empty;
                throw new ModelLoadException(file, $"ONNX Runtime cannot load it: {e.Message}{log}", e);
            }
        }
    }

    private static Dictionary<string, int> IndexByName(IReadOnlyList<ModelTensorInfo> infos)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < infos.Count; i++)
        {
            index.TryAdd(infos[i].Name, i);
        }
        return index;
    }
}
