using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace VectorImageSearch.Onnx.Inference;

/// <summary>Appends an <see cref="OnnxExecutionProvider"/> to ONNX Runtime's session options, and explains a provider that cannot load.</summary>
internal static partial class ExecutionProviders
{
    private const string GpuPackages = $"Microsoft.ML.OnnxRuntime.Gpu.Linux {EngineVersions.OnnxRuntimeGpu} (Linux) or Microsoft.ML.OnnxRuntime.Gpu.Windows {EngineVersions.OnnxRuntimeGpu} (Windows), instead of Microsoft.ML.OnnxRuntime — never both";
    private const string CudaLibraries = "CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, cuRAND, cuFFT, NVRTC) and cuDNN 9 (libcudnn.so.9) on the library path, and an NVIDIA driver";

    /// <summary>Adds <paramref name="provider"/> (nothing for the CPU, which ONNX Runtime always has).</summary>
    public static void Append(SessionOptions options, OnnxExecutionProvider provider, int deviceId)
    {
        var device = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (provider)
        {
            case OnnxExecutionProvider.Cpu:
                break;
            case OnnxExecutionProvider.Cuda:
                AppendCuda(options, device);
                break;
            case OnnxExecutionProvider.TensorRT:
                using (var trt = new OrtTensorRTProviderOptions())
                {
                    trt.UpdateOptions(new Dictionary<string, string> { ["device_id"] = device });
                    options.AppendExecutionProvider_Tensorrt(trt);
                }
                AppendCuda(options, device); // for the nodes TensorRT does not take
                break;
            case OnnxExecutionProvider.DirectML:
                options.AppendExecutionProvider("DML", new Dictionary<string, string> { ["device_id"] = device });
                break;
            case OnnxExecutionProvider.CoreML:
                options.AppendExecutionProvider("CoreML", new Dictionary<string, string>());
                break;
            case OnnxExecutionProvider.OpenVINO:
                options.AppendExecutionProvider("OpenVINO", new Dictionary<string, string>());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider.");
        }
    }

    /// <summary>Whether <paramref name="error"/>, thrown while appending a provider, means the provider is not there.</summary>
    public static bool IsUnavailable(Exception error) =>
        error is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or NotSupportedException;

    /// <summary>The exception for a provider that failed with <paramref name="error"/> while ONNX Runtime logged <paramref name="log"/>.</summary>
    public static ExecutionProviderUnavailableException Unavailable(OnnxExecutionProvider provider, Exception error, IReadOnlyList<string> log, bool logCaptured, int deviceId = 0)
    {
        var missing = MissingLibraries([error.Message, .. log]);
        var notInBuild = error is EntryPointNotFoundException || error.Message.Contains("not enabled in this build", StringComparison.OrdinalIgnoreCase)
            || error.Message.Contains("not supported in this build", StringComparison.OrdinalIgnoreCase);
        var (name, package, needs) = Requirements(provider);
        var message = new System.Text.StringBuilder();
        var deviceProblem = missing.Count == 0 && !notInBuild ? DeviceProblem([error.Message, .. log], deviceId) : null;
        if (deviceProblem is not null)
        {
            // The provider and its libraries loaded; CUDA itself refused the device, so the package advice would mislead.
            message.Append($"The {name} execution provider loaded but could not use device {deviceId}: {deviceProblem} ");
        }
        else
        {
            message.Append($"The {name} execution provider could not be enabled. ");
            message.Append(notInBuild
                ? $"The ONNX Runtime package this application references has no {name} provider{ProviderLibrary(provider)}; add {package}. "
                : $"It is part of {package}, and it needs {needs}. ");
        }
        if (deviceProblem is null && !notInBuild)
        {
            message.Append(missing.Count > 0
                ? $"ONNX Runtime could not load: {string.Join(", ", missing)}. "
                : "ONNX Runtime named no missing library. ");
        }
        else if (notInBuild && needs.Length > 0)
        {
            message.Append($"It also needs {needs}. ");
        }
        message.Append($"ONNX Runtime said: {error.Message.Trim()}");
        if (log.Count > 0)
        {
            message.Append($" ONNX Runtime's log: {string.Join(" | ", log)}");
        }
        else if (!logCaptured)
        {
            message.Append(" (ONNX Runtime's log went to its own sink: the application created the ONNX Runtime environment first.)");
        }
        message.Append(" Set FallbackToCpu to run on the CPU instead.");
        return new ExecutionProviderUnavailableException(provider, message.ToString(), missing, log, error);
    }

    /// <summary>The provider's display name, the package that carries it and what else it needs.</summary>
    public static (string Name, string Package, string Needs) Requirements(OnnxExecutionProvider provider) => provider switch
    {
        OnnxExecutionProvider.Cuda => ("CUDA", GpuPackages, CudaLibraries),
        OnnxExecutionProvider.TensorRT => ("TensorRT", GpuPackages, "TensorRT 10 (libnvinfer.so.10) besides " + CudaLibraries),
        OnnxExecutionProvider.DirectML => ("DirectML", "Microsoft.ML.OnnxRuntime.DirectML (Windows) instead of Microsoft.ML.OnnxRuntime", "Windows 10 or later and a DirectX 12 GPU"),
        OnnxExecutionProvider.CoreML => ("CoreML", "Microsoft.ML.OnnxRuntime on macOS or iOS (its Linux and Windows builds have no Core ML)", "macOS 10.15 or iOS 13 or later"),
        OnnxExecutionProvider.OpenVINO => ("OpenVINO", "Intel.ML.OnnxRuntime.OpenVino instead of Microsoft.ML.OnnxRuntime", "the OpenVINO runtime libraries"),
        _ => ("CPU", "Microsoft.ML.OnnxRuntime", string.Empty),
    };

    /// <summary>The shared libraries that <paramref name="lines"/> say could not be loaded, in order of appearance, each once.</summary>
    public static IReadOnlyList<string> MissingLibraries(IEnumerable<string> lines)
    {
        var result = new List<string>();
        foreach (var line in lines)
        {
            foreach (Match match in CannotOpen().Matches(line))
            {
                var library = match.Groups["lib"].Value;
                if (!result.Contains(library, StringComparer.Ordinal))
                {
                    result.Add(library);
                }
            }
        }
        return result;
    }

    /// <summary>
    /// What is wrong with the device, in words, when <paramref name="lines"/> say it: ONNX Runtime's check of the device
    /// id against the machine's CUDA devices, or a CUDA error ("CUDA failure 101: invalid device ordinal ; GPU=…"); null
    /// when they say neither.
    /// </summary>
    public static string? DeviceProblem(IEnumerable<string> lines, int deviceId)
    {
        foreach (var line in lines)
        {
            var range = InvalidDeviceId().Match(line);
            if (range.Success)
            {
                var count = int.Parse(range.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture);
                var ids = count == 1 ? "its only device is 0" : $"its device ids are 0 to {count - 1}";
                return $"this machine has no CUDA device {deviceId}: {ids} (CUDA_VISIBLE_DEVICES limits which GPUs a process sees; nvidia-smi lists them).";
            }
            var match = CudaFailure().Match(line);
            if (!match.Success)
            {
                continue;
            }
            var reason = match.Groups["reason"].Value.Trim();
            return match.Groups["code"].Value switch
            {
                "101" => $"this machine has no CUDA device {deviceId} (device ids count from 0, and CUDA_VISIBLE_DEVICES limits which GPUs a process sees; nvidia-smi lists them). CUDA said: {reason} (error 101).",
                "100" => $"no CUDA device is visible to this process (check the NVIDIA driver with nvidia-smi, and CUDA_VISIBLE_DEVICES). CUDA said: {reason} (error 100).",
                "35" => $"the NVIDIA driver is older than CUDA 13 needs; update the driver. CUDA said: {reason} (error 35).",
                "2" => $"the GPU is out of memory. CUDA said: {reason} (error 2).",
                var code => $"CUDA reported error {code}: {reason}.",
            };
        }
        return null;
    }

    /// <summary>" (it ships no libonnxruntime_providers_x.so)" for the providers that live in a library of their own.</summary>
    private static string ProviderLibrary(OnnxExecutionProvider provider)
    {
        var stem = provider switch
        {
            OnnxExecutionProvider.Cuda => "cuda",
            OnnxExecutionProvider.TensorRT => "tensorrt",
            OnnxExecutionProvider.OpenVINO => "openvino",
            _ => null,
        };
        if (stem is null)
        {
            return string.Empty;
        }
        var file = OperatingSystem.IsWindows() ? $"onnxruntime_providers_{stem}.dll" : $"libonnxruntime_providers_{stem}.so";
        return $" (it ships no {file})";
    }

    private static void AppendCuda(SessionOptions options, string device)
    {
        using var cuda = new OrtCUDAProviderOptions();
        cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = device });
        options.AppendExecutionProvider_CUDA(cuda);
    }

    // dlopen: "libcublasLt.so.13: cannot open shared object file"; Windows: "LoadLibrary failed with error 126 ... when trying to load "x.dll"".
    [GeneratedRegex(@"(?<lib>[A-Za-z0-9_.+\-]+\.(?:so(?:\.[0-9]+)*|dll|dylib))(?::\s*cannot open shared object file|""?\s*(?:with error|failed|was not found|not found)|\s+not found)", RegexOptions.CultureInvariant)]
    private static partial Regex CannotOpen();

    // ONNX Runtime 1.31 checks the id while parsing the provider options: "Invalid device ID: 57, must be between 0 (inclusive) and 1 (exclusive)".
    [GeneratedRegex(@"Invalid device ID: -?[0-9]+, must be between 0 \(inclusive\) and (?<count>[0-9]+) \(exclusive\)", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidDeviceId();

    // CUDA runtime errors as ONNX Runtime's CUDA_CALL writes them: "CUDA failure 101: invalid device ordinal ; GPU=… ; expr=…".
    [GeneratedRegex(@"CUDA failure (?<code>[0-9]+):\s*(?<reason>[^;\r\n]+)", RegexOptions.CultureInvariant)]
    private static partial Regex CudaFailure();
}
