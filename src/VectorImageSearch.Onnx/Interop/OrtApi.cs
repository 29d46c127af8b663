using System.Runtime.InteropServices;
using VectorImageSearch.Onnx.Runtime;

namespace VectorImageSearch.Onnx.Interop;

/// <summary>
/// The entries of ONNX Runtime's <c>OrtApi</c> function table that this package calls. The library exports only
/// <c>OrtGetApiBase</c>; every other function is a pointer read from the table at the fixed index the public header
/// (<c>onnxruntime_c_api.h</c>) gives it. The table is append-only across releases, so the indices used here, all
/// present in API version <see cref="RequestedApiVersion"/>, stay valid in every later library.
/// </summary>
/// <remarks>
/// The table is read once per process and never changes afterwards. On load, a status round trip
/// (<c>CreateStatus</c> → <c>GetErrorCode</c>/<c>GetErrorMessage</c> → <c>ReleaseStatus</c>) checks that the
/// indices point at the functions they claim to.
/// </remarks>
internal sealed unsafe class OrtApi
{
    /// <summary>The API version requested from <c>OrtApiBase::GetApi</c> (ONNX Runtime 1.13's table, a prefix of 1.30's).</summary>
    public const uint RequestedApiVersion = 13;

    private static readonly Lazy<OrtApi> Shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    // Table indices (0-based), counted from the declaration order of struct OrtApi in onnxruntime_c_api.h.
    private const int IndexCreateStatus = 0;
    private const int IndexGetErrorCode = 1;
    private const int IndexGetErrorMessage = 2;
    private const int IndexCreateEnv = 3;
    private const int IndexCreateSession = 7;
    private const int IndexCreateSessionFromArray = 8;
    private const int IndexRun = 9;
    private const int IndexCreateSessionOptions = 10;
    private const int IndexSetSessionExecutionMode = 13;
    private const int IndexEnableCpuMemArena = 18;
    private const int IndexDisableCpuMemArena = 19;
    private const int IndexSetSessionLogSeverityLevel = 22;
    private const int IndexSetSessionGraphOptimizationLevel = 23;
    private const int IndexSetIntraOpNumThreads = 24;
    private const int IndexSetInterOpNumThreads = 25;
    private const int IndexSessionGetInputCount = 30;
    private const int IndexSessionGetOutputCount = 31;
    private const int IndexSessionGetInputTypeInfo = 33;
    private const int IndexSessionGetOutputTypeInfo = 34;
    private const int IndexSessionGetInputName = 36;
    private const int IndexSessionGetOutputName = 37;
    private const int IndexCreateRunOptions = 39;
    private const int IndexRunOptionsSetTerminate = 46;
    private const int IndexCreateTensorAsOrtValue = 48;
    private const int IndexCreateTensorWithDataAsOrtValue = 49;
    private const int IndexGetTensorMutableData = 51;
    private const int IndexCastTypeInfoToTensorInfo = 55;
    private const int IndexGetOnnxTypeFromTypeInfo = 56;
    private const int IndexGetTensorElementType = 60;
    private const int IndexGetDimensionsCount = 61;
    private const int IndexGetDimensions = 62;
    private const int IndexGetSymbolicDimensions = 63;
    private const int IndexGetTensorTypeAndShape = 65;
    private const int IndexCreateCpuMemoryInfo = 69;
    private const int IndexAllocatorFree = 76;
    private const int IndexGetAllocatorWithDefaultOptions = 78;
    private const int IndexReleaseEnv = 92;
    private const int IndexReleaseStatus = 93;
    private const int IndexReleaseMemoryInfo = 94;
    private const int IndexReleaseSession = 95;
    private const int IndexReleaseValue = 96;
    private const int IndexReleaseRunOptions = 97;
    private const int IndexReleaseTypeInfo = 98;
    private const int IndexReleaseTensorTypeAndShapeInfo = 99;
    private const int IndexReleaseSessionOptions = 100;
    private const int IndexGetAvailableProviders = 125;
    private const int IndexReleaseAvailableProviders = 126;
    private const int IndexAddSessionConfigEntry = 130;
    private const int IndexSessionOptionsAppendExecutionProviderCudaV2 = 204;
    private const int IndexCreateCudaProviderOptions = 205;
    private const int IndexUpdateCudaProviderOptions = 206;
    private const int IndexReleaseCudaProviderOptions = 208;

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged[Cdecl]<uint, void*> GetApi;
        public delegate* unmanaged[Cdecl]<byte*> GetVersionString;
    }

    [DllImport(OnnxNativeLibraries.OnnxRuntime, EntryPoint = "OrtGetApiBase", ExactSpelling = true)]
    private static extern OrtApiBase* OrtGetApiBase();

    private OrtApi(void** table, string version)
    {
        Version = version;
        CreateStatus = (delegate* unmanaged[Cdecl]<int, byte*, IntPtr>)table[IndexCreateStatus];
        GetErrorCode = (delegate* unmanaged[Cdecl]<IntPtr, int>)table[IndexGetErrorCode];
        GetErrorMessage = (delegate* unmanaged[Cdecl]<IntPtr, byte*>)table[IndexGetErrorMessage];
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)table[IndexCreateEnv];
        CreateSession = (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)table[IndexCreateSession];
        CreateSessionFromArray = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)table[IndexCreateSessionFromArray];
        Run = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)table[IndexRun];
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[IndexCreateSessionOptions];
        SetSessionExecutionMode = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[IndexSetSessionExecutionMode];
        EnableCpuMemArena = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)table[IndexEnableCpuMemArena];
        DisableCpuMemArena = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)table[IndexDisableCpuMemArena];
        SetSessionLogSeverityLevel = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[IndexSetSessionLogSeverityLevel];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[IndexSetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[IndexSetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[IndexSetInterOpNumThreads];
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr>)table[IndexAddSessionConfigEntry];
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[IndexSessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[IndexSessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[IndexSessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[IndexSessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)table[IndexSessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)table[IndexSessionGetOutputName];
        CreateRunOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[IndexCreateRunOptions];
        RunOptionsSetTerminate = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)table[IndexRunOptionsSetTerminate];
        CreateTensorAsOrtValue = (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, int, IntPtr*, IntPtr>)table[IndexCreateTensorAsOrtValue];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)table[IndexCreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)table[IndexGetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[IndexCastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[IndexGetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[IndexGetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[IndexGetDimensionsCount];
        GetDimensions = (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)table[IndexGetDimensions];
        GetSymbolicDimensions = (delegate* unmanaged[Cdecl]<IntPtr, byte**, nuint, IntPtr>)table[IndexGetSymbolicDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[IndexGetTensorTypeAndShape];
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)table[IndexCreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr>)table[IndexAllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[IndexGetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseEnv];
        ReleaseStatus = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseSession];
        ReleaseValue = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseValue];
        ReleaseRunOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseRunOptions];
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseSessionOptions];
        GetAvailableProviders = (delegate* unmanaged[Cdecl]<byte***, int*, IntPtr>)table[IndexGetAvailableProviders];
        ReleaseAvailableProviders = (delegate* unmanaged[Cdecl]<byte**, int, IntPtr>)table[IndexReleaseAvailableProviders];
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)table[IndexSessionOptionsAppendExecutionProviderCudaV2];
        CreateCudaProviderOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[IndexCreateCudaProviderOptions];
        UpdateCudaProviderOptions = (delegate* unmanaged[Cdecl]<IntPtr, byte**, byte**, nuint, IntPtr>)table[IndexUpdateCudaProviderOptions];
        ReleaseCudaProviderOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[IndexReleaseCudaProviderOptions];

        IntPtr allocator;
        Check(GetAllocatorWithDefaultOptions(&allocator));
        DefaultAllocator = allocator;
    }

    /// <summary>The table of this process, loaded on first use.</summary>
    /// <exception cref="DllNotFoundException">libonnxruntime.so.1 was not found.</exception>
    /// <exception cref="OnnxRuntimeException">The library is older than the API version this package needs, or its table failed the self-check.</exception>
    public static OrtApi Instance => Shared.Value;

    /// <summary>The library's version string, for example "1.30.0".</summary>
    public string Version { get; }

    /// <summary>ONNX Runtime's default CPU allocator (owned by the library, never released).</summary>
    public IntPtr DefaultAllocator { get; }

    // The fields mirror the C API one to one; onnxruntime_c_api.h documents them.
    public readonly delegate* unmanaged[Cdecl]<int, byte*, IntPtr> CreateStatus;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int> GetErrorCode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*> GetErrorMessage;
    public readonly delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr> CreateEnv;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> CreateSession;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionExecutionMode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr> EnableCpuMemArena;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr> DisableCpuMemArena;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionLogSeverityLevel;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetInterOpNumThreads;

    /// <summary><c>AddSessionConfigEntry(options, key, value)</c>: one of the string settings of onnxruntime_session_options_config_keys.h.</summary>
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetOutputName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateRunOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr> RunOptionsSetTerminate;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, int, IntPtr*, IntPtr> CreateTensorAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr> GetTensorMutableData;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetTensorElementType;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte**, nuint, IntPtr> GetSymbolicDimensions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public readonly delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr> AllocatorFree;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseEnv;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseStatus;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSession;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseRunOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<byte***, int*, IntPtr> GetAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<byte**, int, IntPtr> ReleaseAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr> SessionOptionsAppendExecutionProviderCudaV2;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte**, byte**, nuint, IntPtr> UpdateCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseCudaProviderOptions;

    /// <summary>Throws the exception <paramref name="status"/> describes (and releases it); does nothing for success (null).</summary>
    public void Check(IntPtr status)
    {
        if (status != IntPtr.Zero)
        {
            throw TakeException(status);
        }
    }

    /// <summary>Turns a non-null status into an exception carrying ORT's code and message, and releases the status.</summary>
    public OnnxRuntimeException TakeException(IntPtr status)
    {
        var code = (OnnxRuntimeErrorCode)GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((IntPtr)GetErrorMessage(status)) ?? string.Empty;
        ReleaseStatus(status);
        return new OnnxRuntimeException(code, message);
    }

    /// <summary>Copies a string ONNX Runtime allocated with the default allocator and frees it.</summary>
    public string TakeAllocatedString(byte* value)
    {
        try
        {
            return Marshal.PtrToStringUTF8((IntPtr)value) ?? string.Empty;
        }
        finally
        {
            if (value is not null)
            {
                Check(AllocatorFree(DefaultAllocator, value));
            }
        }
    }

    /// <summary>Wraps an owned <c>OrtValue*</c> in a handle that releases it.</summary>
    public OrtHandle OwnValue(IntPtr value) => new(value, ReleaseValue);

    private static OrtApi Load()
    {
        OnnxNativeLibraries.EnsureRegistered();
        var apiBase = OrtGetApiBase();
        if (apiBase is null)
        {
            throw new OnnxRuntimeException(OnnxRuntimeErrorCode.Fail, "OrtGetApiBase returned null.");
        }
        var version = Marshal.PtrToStringUTF8((IntPtr)apiBase->GetVersionString()) ?? "unknown";
        var table = (void**)apiBase->GetApi(RequestedApiVersion);
        if (table is null)
        {
            throw new OnnxRuntimeException(OnnxRuntimeErrorCode.Fail,
                $"ONNX Runtime {version} does not offer C API version {RequestedApiVersion}; VectorImageSearch needs ONNX Runtime 1.{RequestedApiVersion} or later (it ships 1.30).");
        }
        var api = new OrtApi(table, version);
        api.SelfCheck();
        return api;
    }

    /// <summary>Checks the status functions round-trip a code and message, proving the first indices and ReleaseStatus.</summary>
    private void SelfCheck()
    {
        ReadOnlySpan<byte> probe = "vis-ort-self-check\0"u8;
        IntPtr status;
        fixed (byte* text = probe)
        {
            status = CreateStatus((int)OnnxRuntimeErrorCode.NotImplemented, text);
        }
        var error = status == IntPtr.Zero ? null : TakeException(status);
        if (error is null || error.ErrorCode != OnnxRuntimeErrorCode.NotImplemented || error.OrtMessage != "vis-ort-self-check")
        {
            throw new OnnxRuntimeException(OnnxRuntimeErrorCode.Fail,
                $"The OrtApi table of ONNX Runtime {Version} failed its self-check (a status did not round-trip); the library is not the C API this binding was written for.");
        }
    }
}
