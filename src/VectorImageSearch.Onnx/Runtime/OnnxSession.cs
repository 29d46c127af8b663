using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using VectorImageSearch.Onnx.Interop;

namespace VectorImageSearch.Onnx.Runtime;

/// <summary>
/// A loaded ONNX model (an <c>OrtSession</c>): its inputs and outputs as declared, and <c>Run</c>. Concurrent
/// <c>Run</c> calls on one session are safe (ONNX Runtime's <c>Run</c> is thread-safe and this wrapper keeps no per-call
/// state); disposing waits for calls in flight to finish before the native session is released.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtApi _api;
    private readonly OrtHandle _session;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    // UTF-8, NUL-terminated names on the pinned object heap: their addresses never change, so Run passes them as-is.
    private readonly byte[] _names;
    private readonly IntPtr[] _inputNamePointers;
    private readonly IntPtr[] _outputNamePointers;

    private OnnxSession(OrtApi api, OrtHandle session, string source, OnnxSessionOptions options)
    {
        _api = api;
        _session = session;
        Source = source;
        Options = options;
        Inputs = ReadInfos(isInput: true);
        Outputs = ReadInfos(isInput: false);
        _inputIndex = IndexByName(Inputs);
        _outputIndex = IndexByName(Outputs);

        var total = 0;
        foreach (var info in Inputs.Concat(Outputs))
        {
            total += Encoding.UTF8.GetByteCount(info.Name) + 1;
        }
        _names = GC.AllocateArray<byte>(Math.Max(total, 1), pinned: true);
        var offset = 0;
        _inputNamePointers = StoreNames(Inputs, ref offset);
        _outputNamePointers = StoreNames(Outputs, ref offset);
    }

    /// <summary>The model file, or the name given to a model loaded from bytes.</summary>
    public string Source { get; }

    /// <summary>The options the session was created with.</summary>
    public OnnxSessionOptions Options { get; }

    /// <summary>The model's inputs, in declaration order.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in declaration order.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>Loads the model at <paramref name="path"/>.</summary>
    /// <param name="path">An ONNX model file.</param>
    /// <param name="options">How the session runs; <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model (missing file, invalid model, unavailable provider); the message names the file.</exception>
    public static OnnxSession FromFile(string path, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        options ??= OnnxSessionOptions.Default;
        var api = OrtApi.Instance;
        var environment = OnnxEnvironment.Instance;
        using var nativeOptions = options.CreateNative(api, environment);
        var utf8Path = Encoding.UTF8.GetBytes(fullPath + "\0");
        IntPtr session;
        IntPtr status;
        fixed (byte* pathPointer = utf8Path)
        {
            status = api.CreateSession(environment.Handle.DangerousGetHandle(), pathPointer, nativeOptions.DangerousGetHandle(), &session);
        }
        if (status != IntPtr.Zero)
        {
            throw api.TakeException(status).WithContext($"Loading ONNX model '{fullPath}'");
        }
        return Create(api, session, fullPath, options);
    }

    /// <summary>Loads a model from its serialized bytes (copied by ONNX Runtime; the span may be reused afterwards).</summary>
    /// <param name="model">The ONNX model's protobuf bytes.</param>
    /// <param name="options">How the session runs; <see cref="OnnxSessionOptions.Default"/> when null.</param>
    /// <param name="name">A name for messages; defaults to "&lt;bytes&gt;".</param>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model.</exception>
    public static OnnxSession FromBytes(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null, string? name = null)
    {
        name ??= "<bytes>";
        options ??= OnnxSessionOptions.Default;
        var api = OrtApi.Instance;
        var environment = OnnxEnvironment.Instance;
        using var nativeOptions = options.CreateNative(api, environment);
        IntPtr session;
        IntPtr status;
        fixed (byte* data = model)
        {
            status = api.CreateSessionFromArray(environment.Handle.DangerousGetHandle(), data, (nuint)model.Length,
                nativeOptions.DangerousGetHandle(), &session);
        }
        if (status != IntPtr.Zero)
        {
            throw api.TakeException(status).WithContext($"Loading ONNX model '{name}'");
        }
        return Create(api, session, name, options);
    }

    /// <summary>The position of the input called <paramref name="name"/> in <see cref="Inputs"/>, or -1.</summary>
    public int GetInputIndex(string name) => _inputIndex.GetValueOrDefault(name, -1);

    /// <summary>The position of the output called <paramref name="name"/> in <see cref="Outputs"/>, or -1.</summary>
    public int GetOutputIndex(string name) => _outputIndex.GetValueOrDefault(name, -1);

    /// <summary>
    /// Runs the model. Inputs and outputs are named by their positions in <see cref="Inputs"/> and <see cref="Outputs"/>.
    /// Each entry of <paramref name="outputs"/> that is a tensor is pre-bound (the model writes into it; its shape must
    /// be the output's); each null entry receives a tensor ONNX Runtime allocated, which the caller disposes.
    /// Allocates nothing on the managed heap besides those output tensors (and, for a cancellable token, a run-options handle).
    /// </summary>
    /// <param name="inputIndices">For each tensor of <paramref name="inputs"/>, the input it feeds.</param>
    /// <param name="inputs">The input tensors.</param>
    /// <param name="outputIndices">For each entry of <paramref name="outputs"/>, the output it receives.</param>
    /// <param name="outputs">Pre-bound output tensors, or nulls to be filled.</param>
    /// <param name="cancellationToken">Terminates the run (ONNX Runtime stops between operators).</param>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refused the inputs (wrong type, rank or size) or failed while running.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public void Run(ReadOnlySpan<int> inputIndices, ReadOnlySpan<OnnxTensor> inputs, ReadOnlySpan<int> outputIndices,
        Span<OnnxTensor?> outputs, CancellationToken cancellationToken = default)
    {
        if (inputIndices.Length != inputs.Length)
        {
            throw new ArgumentException($"{inputIndices.Length} input indices for {inputs.Length} input tensors.", nameof(inputIndices));
        }
        if (outputIndices.Length != outputs.Length)
        {
            throw new ArgumentException($"{outputIndices.Length} output indices for {outputs.Length} output slots.", nameof(outputIndices));
        }
        if (inputs.Length > Inputs.Count || outputs.Length > Outputs.Count)
        {
            throw new ArgumentException($"The model has {Inputs.Count} inputs and {Outputs.Count} outputs; {inputs.Length} and {outputs.Length} were given.");
        }
        cancellationToken.ThrowIfCancellationRequested();

        var inputCount = inputs.Length;
        var outputCount = outputs.Length;
        var inputNames = stackalloc IntPtr[Math.Max(inputCount, 1)];
        var inputValues = stackalloc IntPtr[Math.Max(inputCount, 1)];
        var outputNames = stackalloc IntPtr[Math.Max(outputCount, 1)];
        var outputValues = stackalloc IntPtr[Math.Max(outputCount, 1)];
        var inputRefs = stackalloc bool[Math.Max(inputCount, 1)];
        var outputRefs = stackalloc bool[Math.Max(outputCount, 1)];
        new Span<bool>(inputRefs, Math.Max(inputCount, 1)).Clear();
        new Span<bool>(outputRefs, Math.Max(outputCount, 1)).Clear();
        var sessionRef = false;
        OrtHandle? runOptions = null;
        CancellationTokenRegistration registration = default;
        try
        {
            _session.DangerousAddRef(ref sessionRef);
            for (var i = 0; i < inputCount; i++)
            {
                var index = inputIndices[i];
                if ((uint)index >= (uint)Inputs.Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(inputIndices), index, $"The model has {Inputs.Count} inputs.");
                }
                var tensor = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"Input tensor {i} is null.");
                tensor.Handle.DangerousAddRef(ref inputRefs[i]);
                inputNames[i] = _inputNamePointers[index];
                inputValues[i] = tensor.Handle.DangerousGetHandle();
            }
            for (var i = 0; i < outputCount; i++)
            {
                var index = outputIndices[i];
                if ((uint)index >= (uint)Outputs.Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(outputIndices), index, $"The model has {Outputs.Count} outputs.");
                }
                outputNames[i] = _outputNamePointers[index];
                outputValues[i] = IntPtr.Zero;
                if (outputs[i] is { } bound)
                {
                    bound.Handle.DangerousAddRef(ref outputRefs[i]);
                    outputValues[i] = bound.Handle.DangerousGetHandle();
                }
            }
            if (cancellationToken.CanBeCanceled)
            {
                runOptions = CreateRunOptions();
                registration = cancellationToken.UnsafeRegister(static state => Terminate((OrtHandle)state!), runOptions);
            }

            var status = _api.Run(_session.DangerousGetHandle(), runOptions?.DangerousGetHandle() ?? IntPtr.Zero,
                inputNames, inputValues, (nuint)inputCount, outputNames, (nuint)outputCount, outputValues);
            if (status != IntPtr.Zero)
            {
                var error = _api.TakeException(status);
                cancellationToken.ThrowIfCancellationRequested();
                throw error.WithContext($"Running ONNX model '{Source}'");
            }
            for (var i = 0; i < outputCount; i++)
            {
                if (outputs[i] is not null)
                {
                    continue;
                }
                try
                {
                    outputs[i] = OnnxTensor.FromOwnedValue(_api, outputValues[i]);
                }
                catch
                {
                    // A non-tensor output cannot be wrapped: release the values not yet owned by a tensor.
                    for (var j = i + 1; j < outputCount; j++)
                    {
                        if (outputs[j] is null && outputValues[j] != IntPtr.Zero)
                        {
                            _api.ReleaseValue(outputValues[j]);
                        }
                    }
                    throw;
                }
            }
        }
        finally
        {
            registration.Dispose();
            runOptions?.Dispose();
            for (var i = 0; i < inputCount; i++)
            {
                if (inputRefs[i])
                {
                    inputs[i].Handle.DangerousRelease();
                }
            }
            for (var i = 0; i < outputCount; i++)
            {
                if (outputRefs[i])
                {
                    outputs[i]!.Handle.DangerousRelease();
                }
            }
            if (sessionRef)
            {
                _session.DangerousRelease();
            }
            GC.KeepAlive(_names);
        }
    }

    /// <summary>Runs the model on named inputs and returns the named outputs, allocated by ONNX Runtime (the caller disposes them).</summary>
    /// <param name="inputs">Input name → tensor.</param>
    /// <param name="outputNames">The outputs to compute, in the order they are returned.</param>
    /// <param name="cancellationToken">Terminates the run.</param>
    /// <exception cref="ArgumentException">An input or output name is not the model's.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refused the inputs or failed while running.</exception>
    public OnnxTensor[] Run(IEnumerable<KeyValuePair<string, OnnxTensor>> inputs, IReadOnlyList<string> outputNames,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        var inputList = inputs.ToList();
        var inputIndices = new int[inputList.Count];
        var tensors = new OnnxTensor[inputList.Count];
        for (var i = 0; i < inputList.Count; i++)
        {
            inputIndices[i] = GetInputIndex(inputList[i].Key);
            if (inputIndices[i] < 0)
            {
                throw new ArgumentException($"Model '{Source}' has no input '{inputList[i].Key}'; its inputs are {Describe(Inputs)}.", nameof(inputs));
            }
            tensors[i] = inputList[i].Value;
        }
        var outputIndices = new int[outputNames.Count];
        for (var i = 0; i < outputNames.Count; i++)
        {
            outputIndices[i] = GetOutputIndex(outputNames[i]);
            if (outputIndices[i] < 0)
            {
                throw new ArgumentException($"Model '{Source}' has no output '{outputNames[i]}'; its outputs are {Describe(Outputs)}.", nameof(outputNames));
            }
        }
        var results = new OnnxTensor?[outputNames.Count];
        Run(inputIndices, tensors, outputIndices, results, cancellationToken);
        return results!;
    }

    /// <summary>Releases the native session once no <c>Run</c> is in flight.</summary>
    public void Dispose() => _session.Dispose();

    /// <summary>Lists values as "name: Type[dims]", comma-separated.</summary>
    internal static string Describe(IEnumerable<OnnxTensorInfo> values) => string.Join(", ", values.Select(v => v.ToString()));

    private static OnnxSession Create(OrtApi api, IntPtr pointer, string source, OnnxSessionOptions options)
    {
        var handle = new OrtHandle(pointer, api.ReleaseSession);
        try
        {
            return new OnnxSession(api, handle, source, options);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private OrtHandle CreateRunOptions()
    {
        IntPtr pointer;
        _api.Check(_api.CreateRunOptions(&pointer));
        return new OrtHandle(pointer, _api.ReleaseRunOptions);
    }

    private static void Terminate(OrtHandle runOptions)
    {
        var success = false;
        try
        {
            runOptions.DangerousAddRef(ref success);
            var api = OrtApi.Instance;
            var status = api.RunOptionsSetTerminate(runOptions.DangerousGetHandle());
            if (status != IntPtr.Zero)
            {
                api.ReleaseStatus(status);
            }
        }
        catch (ObjectDisposedException)
        {
            // The run already finished.
        }
        finally
        {
            if (success)
            {
                runOptions.DangerousRelease();
            }
        }
    }

    private OnnxTensorInfo[] ReadInfos(bool isInput)
    {
        nuint count;
        var handle = _session.DangerousGetHandle();
        _api.Check(isInput ? _api.SessionGetInputCount(handle, &count) : _api.SessionGetOutputCount(handle, &count));
        var result = new OnnxTensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            _api.Check(isInput
                ? _api.SessionGetInputName(handle, i, _api.DefaultAllocator, &name)
                : _api.SessionGetOutputName(handle, i, _api.DefaultAllocator, &name));
            var text = _api.TakeAllocatedString(name);
            IntPtr typeInfo;
            _api.Check(isInput
                ? _api.SessionGetInputTypeInfo(handle, i, &typeInfo)
                : _api.SessionGetOutputTypeInfo(handle, i, &typeInfo));
            try
            {
                result[(int)i] = ReadInfo(text, typeInfo);
            }
            finally
            {
                _api.ReleaseTypeInfo(typeInfo);
            }
        }
        return result;
    }

    private OnnxTensorInfo ReadInfo(string name, IntPtr typeInfo)
    {
        const int OnnxTypeTensor = 1;
        int onnxType;
        _api.Check(_api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != OnnxTypeTensor)
        {
            return new OnnxTensorInfo(name, false, OnnxElementType.Undefined, [], []);
        }
        IntPtr tensorInfo; // owned by typeInfo
        _api.Check(_api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        _api.Check(_api.GetTensorElementType(tensorInfo, &elementType));
        nuint rank;
        _api.Check(_api.GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        var symbols = new string[(int)rank];
        if (rank > 0)
        {
            var symbolPointers = new IntPtr[(int)rank];
            fixed (long* dimsPointer = dims)
            fixed (IntPtr* symbolsPointer = symbolPointers)
            {
                _api.Check(_api.GetDimensions(tensorInfo, dimsPointer, rank));
                _api.Check(_api.GetSymbolicDimensions(tensorInfo, (byte**)symbolsPointer, rank));
            }
            for (var d = 0; d < symbols.Length; d++)
            {
                symbols[d] = Marshal.PtrToStringUTF8(symbolPointers[d]) ?? string.Empty;
                if (dims[d] < 0)
                {
                    dims[d] = -1;
                }
            }
        }
        return new OnnxTensorInfo(name, true, (OnnxElementType)elementType, dims, symbols);
    }

    private IntPtr[] StoreNames(IReadOnlyList<OnnxTensorInfo> infos, ref int offset)
    {
        var pointers = new IntPtr[infos.Count];
        var start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_names));
        for (var i = 0; i < infos.Count; i++)
        {
            pointers[i] = (IntPtr)(start + offset);
            offset += Encoding.UTF8.GetBytes(infos[i].Name, _names.AsSpan(offset));
            _names[offset++] = 0;
        }
        return pointers;
    }

    private static Dictionary<string, int> IndexByName(IReadOnlyList<OnnxTensorInfo> infos)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < infos.Count; i++)
        {
            index.TryAdd(infos[i].Name, i);
        }
        return index;
    }
}
