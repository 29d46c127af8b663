using Microsoft.ML.OnnxRuntime;

namespace VectorImageSearch.Onnx.Inference;

/// <summary>
/// The process's ONNX Runtime environment (<see cref="OrtEnv"/>), created on first use with a logging callback so
/// that what ONNX Runtime logs while an execution provider loads (the library it could not open) can be put into the
/// exception. Messages outside a <see cref="Capture"/> go to standard error as ONNX Runtime's own sink writes them.
/// When the application created the environment first, ONNX Runtime keeps its own sink and nothing is captured.
/// </summary>
internal static class OnnxRuntimeEnvironment
{
    // ONNX Runtime allows one environment per process: this is the one piece of static state it forces on us.
    private static readonly object Gate = new();
    private static readonly DOrtLoggingFunction Callback = OnLog;
    private static OrtEnv? s_instance;
    private static bool s_capturesLog;

    [ThreadStatic]
    private static List<string>? t_capture;

    /// <summary>The environment.</summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime's native library is not in the application (the message names the packages that carry it).</exception>
    public static OrtEnv Instance
    {
        get
        {
            lock (Gate)
            {
                return s_instance ??= Create();
            }
        }
    }

    /// <summary>Whether ONNX Runtime's log reaches <see cref="Capture"/> (false when the application created the environment).</summary>
    public static bool CapturesLog
    {
        get
        {
            _ = Instance;
            return s_capturesLog;
        }
    }

    /// <summary>Collects the messages ONNX Runtime logs on this thread until the scope is disposed.</summary>
    public static LogCapture Capture()
    {
        _ = Instance;
        var previous = t_capture;
        var lines = new List<string>();
        t_capture = lines;
        return new LogCapture(lines, previous);
    }

    /// <summary>Writes captured lines to standard error, as ONNX Runtime's own sink would have.</summary>
    public static void Forward(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            Console.Error.WriteLine($"[ONNX Runtime] {line}");
        }
    }

    private static OrtEnv Create()
    {
        try
        {
            if (OrtEnv.IsCreated)
            {
                return OrtEnv.Instance();
            }
            var options = new EnvironmentCreationOptions
            {
                logId = "VectorImageSearch",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = Callback,
            };
            var env = OrtEnv.CreateInstanceWithOptions(ref options);
            s_capturesLog = true;
            return env;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                "ONNX Runtime's native library (onnxruntime) could not be loaded: " + (e.InnerException ?? e).Message + " " +
                "VectorImageSearch.Onnx depends on Microsoft.ML.OnnxRuntime.Managed only, so the application chooses the natives: add the package " +
                $"Microsoft.ML.OnnxRuntime {EngineVersions.OnnxRuntime} (CPU; Windows, Linux and macOS arm64), or Microsoft.ML.OnnxRuntime.Gpu.Linux / .Gpu.Windows {EngineVersions.OnnxRuntimeGpu} " +
                "(CUDA) instead — never both. See docs/packaging.md.", e);
        }
    }

    private static void OnLog(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        var line = $"[{Severity(severity)}] {message}";
        var capture = t_capture;
        if (capture is not null)
        {
            capture.Add(line);
            return;
        }
        Console.Error.WriteLine($"[ONNX Runtime {Severity(severity)}] {codeLocation} {message}");
    }

    private static string Severity(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => "verbose",
        OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => "info",
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => "warning",
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => "error",
        _ => "fatal",
    };

    /// <summary>A capture scope: the lines logged on the thread that opened it.</summary>
    internal sealed class LogCapture(List<string> lines, List<string>? previous) : IDisposable
    {
        /// <summary>The lines so far.</summary>
        public IReadOnlyList<string> Lines => lines;

        /// <summary>Stops capturing (restoring an enclosing capture).</summary>
        public void Dispose() => t_capture = previous;
    }
}
