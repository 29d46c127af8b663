using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VectorImageSearch.Onnx;

namespace VectorImageSearch.GpuCheck;

/// <summary>The whole facade — index a folder, search by text and by image — on CUDA against the same run on the CPU.</summary>
internal static class FacadeCheck
{
    private static readonly string[] Texts = ["a red circle", "a blue star", "a green triangle", "a yellow heart"];

    public static async Task<CheckResult> RunAsync(string clipModel, string imageFolder, int deviceId, string workFolder)
    {
        var cpu = await SearchAllAsync(clipModel, imageFolder, OnnxExecutionProvider.Cpu, deviceId, Path.Combine(workFolder, "cpu"));
        var gpu = await SearchAllAsync(clipModel, imageFolder, OnnxExecutionProvider.Cuda, deviceId, Path.Combine(workFolder, "cuda"));
        var mismatches = new List<string>();
        foreach (var (query, cpuHits) in cpu.Hits)
        {
            var gpuHits = gpu.Hits[query];
            for (var rank = 0; rank < cpuHits.Count; rank++)
            {
                // Two images whose scores differ by less than the GPU's rounding may swap places; anything else is a defect.
                var (c, g) = (cpuHits[rank], gpuHits[rank]);
                if (c.Key != g.Key && Math.Abs(c.Score - g.Score) > 1e-3f)
                {
                    mismatches.Add($"{query} rank {rank + 1}: CPU {Path.GetFileName(c.Key)} {c.Score:F4}, CUDA {Path.GetFileName(g.Key)} {g.Score:F4}");
                }
            }
        }
        var passed = mismatches.Count == 0 && cpu.Indexed == gpu.Indexed && gpu.Failures == 0;
        return new("cuda: facade index + text/image search = CPU", passed,
            $"indexed CPU {cpu.Indexed} in {cpu.Seconds:F1} s, CUDA {gpu.Indexed} in {gpu.Seconds:F1} s ({gpu.Failures} failures); " +
            (mismatches.Count == 0 ? "same top-5 for every query" : string.Join("; ", mismatches.Take(5))));
    }

    /// <summary>
    /// Indexing through the facade with a model of real cost (the random-weight ViT-B/32 or B/16 towers), on the CPU and on
    /// CUDA: images per second end to end, and how the time split between decoding, inference and waiting for images.
    /// </summary>
    public static async Task<CheckResult> IndexingSpeedAsync(string model, string label, string imageFolder, int deviceId, string workFolder)
    {
        var cpu = await SearchAllAsync(model, imageFolder, OnnxExecutionProvider.Cpu, deviceId, Path.Combine(workFolder, $"{label}-cpu"));
        var gpu = await SearchAllAsync(model, imageFolder, OnnxExecutionProvider.Cuda, deviceId, Path.Combine(workFolder, $"{label}-cuda"));
        var passed = gpu.Indexed == cpu.Indexed && gpu.Indexed > 0 && gpu.Failures == 0 && gpu.Seconds < cpu.Seconds;
        return new($"cuda: facade indexing at {label} cost", passed, $"{Describe("CUDA", gpu)}; {Describe("CPU", cpu)}");
    }

    private static string Describe(string name, Run run) =>
        $"{name} {run.Indexed} images in {run.Seconds:F1} s = {run.Indexed / run.Seconds:F0} images/s (decode {run.Report.DecodeTime.TotalSeconds:F1} s on "
        + $"{run.Report.DecodeWorkers} workers, inference {run.Report.InferenceTime.TotalSeconds:F1} s, waiting for images {run.Report.WaitingForImages.TotalSeconds:F1} s)";

    private static async Task<Run> SearchAllAsync(string clipModel, string imageFolder, OnnxExecutionProvider provider, int deviceId, string indexPath)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddImageSearch(o =>
        {
            o.UseClip(clipModel);
            o.UseFaiss("Flat");
            o.IndexPath = indexPath;
            o.ExecutionProvider = provider;
            o.DeviceId = deviceId;
        });
        await using var provider_ = services.BuildServiceProvider();
        var search = provider_.GetRequiredService<IImageSearch>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = await search.IndexDirectoryAsync(imageFolder);
        var seconds = clock.Elapsed.TotalSeconds;
        var hits = new Dictionary<string, IReadOnlyList<SearchHit>>();
        foreach (var text in Texts)
        {
            hits[$"\"{text}\""] = await search.SearchAsync(text, k: 5);
        }
        var queryImage = Directory.EnumerateFiles(imageFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        hits[Path.GetFileName(queryImage)] = await search.SearchAsync(ImageInput.FromFile(queryImage), k: 5);
        return new Run(report.Encoded, report.Failures.Count, seconds, hits, report);
    }

    private sealed record Run(int Indexed, int Failures, double Seconds, Dictionary<string, IReadOnlyList<SearchHit>> Hits, IndexingReport Report);
}
