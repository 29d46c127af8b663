using Microsoft.Extensions.Logging;
using VectorImageSearch.Onnx.Inference;
using VectorImageSearch.Onnx.Tests.Encoders;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Inference;

/// <summary>
/// The application references the CPU package here (no GPU, no provider libraries): every other provider must fail
/// with a message naming the provider and the package, and the opt-in fallback must run on the CPU with a warning.
/// </summary>
public sealed class ExecutionProviderTests
{
    [Theory]
    [InlineData(OnnxExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu.Linux " + EngineVersions.OnnxRuntimeGpu, "libonnxruntime_providers_cuda.so")]
    [InlineData(OnnxExecutionProvider.TensorRT, "Microsoft.ML.OnnxRuntime.Gpu.Linux " + EngineVersions.OnnxRuntimeGpu, "libonnxruntime_providers_tensorrt.so")]
    [InlineData(OnnxExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntime.DirectML", "DirectML")]
    [InlineData(OnnxExecutionProvider.CoreML, "on macOS or iOS", "CoreML")]
    [InlineData(OnnxExecutionProvider.OpenVINO, "Intel.ML.OnnxRuntime.OpenVino", "libonnxruntime_providers_openvino.so")]
    public void A_provider_the_cpu_package_lacks_fails_naming_it_and_the_package_to_add(OnnxExecutionProvider provider, string package, string detail)
    {
        var options = new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, OnnxRuntime = new OnnxRuntimeOptions { ExecutionProvider = provider } };
        var error = Assert.Throws<ModelLoadException>(() => new ClipImageEncoder(options));
        var cause = Assert.IsType<ExecutionProviderUnavailableException>(error.InnerException);
        Assert.Equal(provider, cause.Provider);
        Assert.EndsWith(Path.Combine("onnx", "vision_model.onnx"), error.ModelPath);
        Assert.Contains(package, error.Message);
        Assert.Contains(detail, error.Message);
        Assert.Contains("FallbackToCpu", error.Message);
    }

    [Fact]
    public void Cuda_names_cuda_13_and_cudnn_9_and_what_onnx_runtime_said()
    {
        var options = new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, OnnxRuntime = new OnnxRuntimeOptions { ExecutionProvider = OnnxExecutionProvider.Cuda } };
        var error = Assert.Throws<ModelLoadException>(() => new ClipTextEncoder(options));
        Assert.Contains("CUDA 13", error.Message);
        Assert.Contains("cuDNN 9", error.Message);
        Assert.Contains("CUDA execution provider is not enabled in this build", error.Message);
        Assert.Contains("never both", error.Message);
    }

    [Fact]
    public void The_opt_in_fallback_runs_on_the_cpu_and_logs_one_warning_naming_the_provider()
    {
        using var logs = new ListLoggerFactory();
        var options = new ClipEncoderOptions
        {
            ModelFolder = RepoPaths.ClipTinyShapes,
            OnnxRuntime = new OnnxRuntimeOptions { ExecutionProvider = OnnxExecutionProvider.Cuda, FallbackToCpu = true },
        };
        using var fallback = new ClipImageEncoder(options, logs);
        using var cpu = new ClipImageEncoder(RepoPaths.ClipTinyShapes);
        var image = ShapeLabel.First("red", "circle").Input;
        Assert.Equal(cpu.Encode(image), fallback.Encode(image));
        var warning = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("Cuda", warning.Message);
        Assert.Contains("CPU instead", warning.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", warning.Message);
    }

    [Fact]
    public void The_session_options_hook_reaches_onnx_runtime()
    {
        // ONNX Runtime writes the optimised graph where SessionOptions.OptimizedModelFilePath points: the file appears only if the hook ran.
        using var folder = new TemporaryFolder();
        var optimized = Path.Combine(folder.Path, "optimized.onnx");
        var calls = 0;
        var options = new ClipEncoderOptions
        {
            ModelFolder = RepoPaths.ClipTinyShapes,
            OnnxRuntime = new OnnxRuntimeOptions
            {
                ConfigureSessionOptions = sessionOptions =>
                {
                    calls++;
                    sessionOptions.OptimizedModelFilePath = optimized;
                },
            },
        };
        using var encoder = new ClipImageEncoder(options);
        Assert.Equal(1, calls);
        Assert.True(File.Exists(optimized), "the hook's OptimizedModelFilePath should have made ONNX Runtime write the optimised model");
    }

    [Fact]
    public void Missing_libraries_are_read_from_what_onnx_runtime_logged()
    {
        // The lines ONNX Runtime's GPU package logs on a machine without CUDA 13 (its exception says only "Failed to load shared library").
        string[] log =
        [
            "[error] Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory",
            "[warning] libcudnn.so.9: cannot open shared object file: No such file or directory",
        ];
        Assert.Equal(["libonnxruntime_providers_cuda.so", "libcublasLt.so.13", "libcudnn.so.9"], ExecutionProviders.MissingLibraries(log));
        var error = ExecutionProviders.Unavailable(OnnxExecutionProvider.Cuda, new InvalidOperationException("Failed to load shared library"), log, logCaptured: true);
        Assert.Contains("ONNX Runtime could not load: libonnxruntime_providers_cuda.so, libcublasLt.so.13, libcudnn.so.9", error.Message);
        Assert.Equal(log, error.OnnxRuntimeLog);
    }

    [Fact]
    public void A_device_id_the_machine_does_not_have_is_named_instead_of_the_package_advice()
    {
        // What ONNX Runtime 1.31.0's CUDA provider threw on a one-GPU H100 machine asked for device 57 (2026-11-27, docs/gpu.md).
        var error = new InvalidOperationException(
            "[ErrorCode:Fail] /onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider_info.cc:63 static "
            + "onnxruntime::CUDAExecutionProviderInfo onnxruntime::CUDAExecutionProviderInfo::FromProviderOptions(const onnxruntime::ProviderOptions&) "
            + "[ONNXRuntimeError] : 1 : FAIL : provider_options_utils.h:187 Parse Failed to parse provider option \"device_id\": "
            + "cuda_execution_provider_info.cc:71 operator() Invalid device ID: 57, must be between 0 (inclusive) and 1 (exclusive).");
        var unavailable = ExecutionProviders.Unavailable(OnnxExecutionProvider.Cuda, error, [], logCaptured: true, deviceId: 57);
        Assert.StartsWith("The CUDA execution provider loaded but could not use device 57: this machine has no CUDA device 57: its only device is 0", unavailable.Message);
        Assert.DoesNotContain("It is part of", unavailable.Message);
        Assert.Empty(unavailable.MissingLibraries);
        Assert.Contains("its device ids are 0 to 3", ExecutionProviders.DeviceProblem(["Invalid device ID: 9, must be between 0 (inclusive) and 4 (exclusive)."], 9));
    }

    [Fact]
    public void A_cuda_error_about_the_device_is_named_in_words()
    {
        // The shape of ONNX Runtime's CUDA_CALL errors ("CUDA failure N: text ; GPU=… ; expr=…"), for failures after the id check.
        var error = new InvalidOperationException("[ErrorCode:Fail] CUDA failure 100: no CUDA-capable device is detected ; GPU=0 ; hostname=gpu ; expr=cudaSetDevice(info_.device_id);");
        var unavailable = ExecutionProviders.Unavailable(OnnxExecutionProvider.Cuda, error, [], logCaptured: true, deviceId: 0);
        Assert.StartsWith("The CUDA execution provider loaded but could not use device 0: no CUDA device is visible to this process", unavailable.Message);
        Assert.Contains("no CUDA-capable device is detected (error 100)", unavailable.Message);
        Assert.DoesNotContain("It is part of", unavailable.Message);
    }

    [Fact]
    public void A_missing_library_keeps_the_package_advice_even_when_cuda_also_complains()
    {
        string[] log = ["[error] libcudnn.so.9: cannot open shared object file: No such file or directory", "CUDA failure 35: driver too old"];
        var unavailable = ExecutionProviders.Unavailable(OnnxExecutionProvider.Cuda, new InvalidOperationException("Failed"), log, logCaptured: true, deviceId: 0);
        Assert.Contains("It is part of Microsoft.ML.OnnxRuntime.Gpu.Linux", unavailable.Message);
        Assert.Contains("ONNX Runtime could not load: libcudnn.so.9", unavailable.Message);
    }

    [Fact]
    public void Bad_counts_are_refused_before_onnx_runtime_sees_them()
    {
        var options = new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, OnnxRuntime = new OnnxRuntimeOptions { IntraOpThreads = -1 } };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ClipImageEncoder(options));
        Assert.Equal("IntraOpThreads", error.ParamName);
    }
}
