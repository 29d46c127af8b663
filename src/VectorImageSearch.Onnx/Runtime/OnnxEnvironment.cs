using System.Runtime.InteropServices;
using VectorImageSearch.Onnx.Interop;

namespace VectorImageSearch.Onnx.Runtime;

/// <summary>
/// The process's one ONNX Runtime environment (<c>OrtEnv</c>): its logging level, the library version and the
/// execution providers the library was built with. Created lazily and thread-safely on first use, then shared by
/// every <see cref="OnnxSession"/>; it lives until the process ends.
/// </summary>
public sealed class OnnxEnvironment
{
    // The one piece of static mutable state the design allows: ORT wants one OrtEnv per process.
    private static readonly object Gate = new();
    private static volatile OnnxEnvironment? s_instance;

    private OnnxEnvironment(OnnxLoggingLevel loggingLevel)
    {
        var api = OrtApi.Instance;
        LoggingLevel = loggingLevel;
        Version = api.Version;
        Handle = CreateEnvironment(api, loggingLevel);
        CpuMemoryInfo = CreateCpuMemoryInfo(api);
        AvailableProviders = ReadAvailableProviders(api);
    }

    /// <summary>The environment, created with <see cref="OnnxLoggingLevel.Warning"/> unless <see cref="Initialize"/> ran first.</summary>
    /// <exception cref="DllNotFoundException">libonnxruntime.so.1 was not found (the message says where it was looked for).</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not create the environment.</exception>
    public static OnnxEnvironment Instance => s_instance ?? Initialize(OnnxLoggingLevel.Warning);

    /// <summary>The least severe message ONNX Runtime logs.</summary>
    public OnnxLoggingLevel LoggingLevel { get; }

    /// <summary>The ONNX Runtime library's version, for example "1.30.0".</summary>
    public string Version { get; }

    /// <summary>
    /// The execution providers compiled into the library (for example "CPUExecutionProvider", "CUDAExecutionProvider").
    /// A provider listed here may still fail to load when its shared library or drivers are missing.
    /// </summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>The <c>OrtEnv*</c>.</summary>
    internal OrtHandle Handle { get; }

    /// <summary>An <c>OrtMemoryInfo*</c> describing ordinary CPU memory, for tensors over managed buffers.</summary>
    internal OrtHandle CpuMemoryInfo { get; }

    /// <summary>
    /// Creates the environment with <paramref name="loggingLevel"/>, or returns the existing one when it has that level.
    /// Call it before the first session is created to choose the level.
    /// </summary>
    /// <param name="loggingLevel">The least severe message ONNX Runtime logs.</param>
    /// <exception cref="InvalidOperationException">The environment already exists with another logging level.</exception>
    public static OnnxEnvironment Initialize(OnnxLoggingLevel loggingLevel = OnnxLoggingLevel.Warning)
    {
        lock (Gate)
        {
            var existing = s_instance;
            if (existing is not null)
            {
                if (existing.LoggingLevel != loggingLevel)
                {
                    throw new InvalidOperationException(
                        $"The ONNX Runtime environment already exists with logging level {existing.LoggingLevel}; a process has one environment, so set the level before the first session is created.");
                }
                return existing;
            }
            var created = new OnnxEnvironment(loggingLevel);
            s_instance = created;
            return created;
        }
    }

    private static unsafe OrtHandle CreateEnvironment(OrtApi api, OnnxLoggingLevel level)
    {
        IntPtr env;
        fixed (byte* logId = "VectorImageSearch\0"u8)
        {
            api.Check(api.CreateEnv((int)level, logId, &env));
        }
        return new OrtHandle(env, api.ReleaseEnv);
    }

    private static unsafe OrtHandle CreateCpuMemoryInfo(OrtApi api)
    {
        const int DeviceAllocator = 0; // OrtDeviceAllocator
        const int MemTypeDefault = 0;  // OrtMemTypeDefault
        IntPtr info;
        api.Check(api.CreateCpuMemoryInfo(DeviceAllocator, MemTypeDefault, &info));
        return new OrtHandle(info, api.ReleaseMemoryInfo);
    }

    private static unsafe string[] ReadAvailableProviders(OrtApi api)
    {
        byte** names;
        int count;
        api.Check(api.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((IntPtr)names[i]) ?? string.Empty;
            }
            return result;
        }
        finally
        {
            api.Check(api.ReleaseAvailableProviders(names, count));
        }
    }
}
