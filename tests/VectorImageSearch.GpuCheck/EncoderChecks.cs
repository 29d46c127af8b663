using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VectorImageSearch.Onnx;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.GpuCheck;

/// <summary>The encoders on a GPU provider against the same encoders on the CPU.</summary>
internal sealed class EncoderChecks(string clipModel, IReadOnlyList<ImageInput> images, int deviceId, ILoggerFactory logging)
{
    private static readonly string[] Texts = ["a red circle", "a blue star", "a green triangle", "a yellow heart", "a purple cross on a white background"];

    /// <summary>Cosine between GPU and CPU embeddings at or above this passes (TF32 matrix products on the GPU round differently).</summary>
    private const double MinCosine = 0.9999;

    private ClipEncoderOptions Options(string model, OnnxExecutionProvider provider, int device = -1, bool fallback = false) => new()
    {
        ModelFolder = model,
        OnnxRuntime = new OnnxRuntimeOptions { ExecutionProvider = provider, DeviceId = device < 0 ? deviceId : device, FallbackToCpu = fallback },
    };

    public CheckResult ImagesMatchCpu()
    {
        using var cpu = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.Cpu), logging);
        using var gpu = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.Cuda), logging);
        var comparison = Comparison.Of(cpu.EncodeBatch(images), gpu.EncodeBatch(images));
        return new("cuda: demo CLIP image embeddings = CPU", comparison.MinCosine >= MinCosine && !comparison.BitwiseIdentical,
            $"{images.Count} images; {comparison} (identical bits would mean the GPU never ran)");
    }

    public CheckResult TextsMatchCpu()
    {
        using var cpu = new ClipTextEncoder(Options(clipModel, OnnxExecutionProvider.Cpu), logging);
        using var gpu = new ClipTextEncoder(Options(clipModel, OnnxExecutionProvider.Cuda), logging);
        var comparison = Comparison.Of(cpu.EncodeBatch(Texts), gpu.EncodeBatch(Texts));
        return new("cuda: demo CLIP text embeddings = CPU", comparison.MinCosine >= MinCosine && !comparison.BitwiseIdentical,
            $"{Texts.Length} texts; {comparison}");
    }

    public CheckResult ConcurrentCallsAgree()
    {
        using var gpu = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.Cuda), logging);
        var sequential = gpu.EncodeBatch(images);
        var results = new float[8][][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = gpu.EncodeBatch(images));
        var worst = results.Select(r => Comparison.Of(sequential, r)).MinBy(c => c.MinCosine);
        return new("cuda: 8 concurrent batches on one session = sequential", worst.MinCosine >= 0.99999,
            $"8 × {images.Count} images; worst: {worst}");
    }

    public CheckResult SpeedAndAgreement(string model, string label, int batch, TimeSpan measure)
    {
        using var cpu = new ClipImageEncoder(Options(model, OnnxExecutionProvider.Cpu), logging);
        using var gpu = new ClipImageEncoder(Options(model, OnnxExecutionProvider.Cuda), logging);
        var sample = images.Take(batch).ToArray();
        var comparison = Comparison.Of(cpu.EncodeBatch(sample), gpu.EncodeBatch(sample));
        var pixels = new float[batch * gpu.PreprocessedLength];
        for (var i = 0; i < batch; i++)
        {
            gpu.Preprocess(sample[i % sample.Length], pixels.AsSpan(i * gpu.PreprocessedLength, gpu.PreprocessedLength));
        }
        var embeddings = new float[batch * gpu.Dimension];
        var gpuRate = Rate(gpu, pixels, embeddings, batch, measure);
        var cpuRate = Rate(cpu, pixels, embeddings, batch, measure);
        return new($"cuda: {label} speed and agreement", comparison.MinCosine >= 0.999 && gpuRate > cpuRate,
            $"batch {batch}: GPU {gpuRate:F0} images/s, CPU ({Environment.ProcessorCount} cores) {cpuRate:F1} images/s " +
            $"(pure inference, preprocessed once); {comparison}");
    }

    public CheckResult TensorRtExplainsOrFallsBack()
    {
        try
        {
            using var trt = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.TensorRT), logging);
            return new("tensorrt: loads or explains", true, "TensorRT is installed here and loaded");
        }
        catch (ModelLoadException e) when (e.InnerException is ExecutionProviderUnavailableException unavailable)
        {
            using var cpu = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.Cpu), logging);
            using var fallback = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.TensorRT, fallback: true), logging);
            var comparison = Comparison.Of(cpu.EncodeBatch(images), fallback.EncodeBatch(images));
            var namesLibrary = unavailable.Message.Contains("libnvinfer", StringComparison.Ordinal);
            return new("tensorrt: explains what is missing, falls back to the CPU when asked", namesLibrary && comparison.BitwiseIdentical,
                $"missing: [{string.Join(", ", unavailable.MissingLibraries)}]; fallback {comparison}; message: {Shorten(unavailable.Message)}");
        }
    }

    public CheckResult MissingDeviceIsNamed()
    {
        const int missingDevice = 57;
        try
        {
            using var gpu = new ClipImageEncoder(Options(clipModel, OnnxExecutionProvider.Cuda, missingDevice), logging);
            gpu.EncodeBatch(images.Take(1).ToArray());
            return new("cuda: a device id that does not exist fails clearly", false, "no exception: the session ran somewhere");
        }
        catch (Exception e) when (e is ModelLoadException or InvalidOperationException)
        {
            // Clearly: the message names the device, and does not send the user after packages they already have.
            var named = e.Message.Contains($"no CUDA device {missingDevice}", StringComparison.Ordinal)
                && !e.Message.Contains("It is part of", StringComparison.Ordinal);
            if (!named)
            {
                Console.Error.WriteLine($"device-id check, the whole exception: {e}");
            }
            return new("cuda: a device id that does not exist fails clearly", named, $"{e.GetType().Name}: {Shorten(e.Message)}");
        }
    }

    private static double Rate(ClipImageEncoder encoder, float[] pixels, float[] embeddings, int batch, TimeSpan measure)
    {
        encoder.EncodePreprocessed(pixels, batch, embeddings); // warm-up: kernels, arenas, cuDNN's algorithm search
        encoder.EncodePreprocessed(pixels, batch, embeddings);
        var clock = Stopwatch.StartNew();
        var runs = 0;
        while (clock.Elapsed < measure || runs < 2)
        {
            encoder.EncodePreprocessed(pixels, batch, embeddings);
            runs++;
        }
        return runs * batch / clock.Elapsed.TotalSeconds;
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
