using System.Diagnostics;
using System.Globalization;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// Indexing many small images keeps the process's resident memory within the vectors plus a fixed budget: a child
/// process (the crash harness's memory-index mode) indexes generated JPEGs and PNGs with the demo CLIP model and saves,
/// sampling its VmRSS every 200 ms; its peak must stay under the RSS it had once the pipeline was running plus, per
/// image, the vector and a catalog allowance, plus a fixed budget. 1,000 images here; VIS_MEMORY_IMAGES=100000 for the
/// figures in docs/reliability.md. A memory bound, not a timing one.
/// </summary>
public sealed class MemoryBoundTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Per image beyond its vector: its catalog record (key, hash, size, time, metadata) and index bookkeeping.</summary>
    public const int CatalogBytesPerImage = 2048;

    /// <summary>Fixed budget over the running baseline: batches in flight, decoder buffers, ONNX Runtime's arenas, the save.</summary>
    public const int FixedBudgetMiB = 160;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Indexing_many_small_images_keeps_memory_within_the_vectors_plus_a_fixed_budget()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("VIS_MEMORY_IMAGES"), CultureInfo.InvariantCulture, out var n) ? n : 1_000;
        var harness = Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.CrashHarness.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { harness, "memory-index", RepoPaths.ClipTinyShapes, _temp.Combine("images"), count.ToString(CultureInfo.InvariantCulture), _temp.Combine("index") })
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        var lines = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var result = lines.Split('\n').SingleOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal));
        Assert.True(child.ExitCode == 0 && result is not null, $"The harness failed (exit code {child.ExitCode}):\n{await errors}");
        var facts = result!.Split(' ').Skip(1).Select(f => f.Split('=')).ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
        var samples = lines.Split('\n').Where(l => l.StartsWith("sample ", StringComparison.Ordinal)).ToList();
        output.WriteLine(result);
        output.WriteLine($"{samples.Count} samples (seconds encoded rss_mib heap_mib), every tenth: {string.Join(" | ", samples.Where((_, i) => i % 10 == 0).Select(s => s[7..]))}");

        Assert.Equal(count, facts["encoded"]);
        Assert.Equal(0, facts["failures"]);
        Assert.Equal(count, facts["stored"]);
        // The demo model's vectors are 64 floats.
        var perImage = (64 * sizeof(float)) + CatalogBytesPerImage;
        var bound = facts["baseline_mib"] + (count * (double)perImage / (1024 * 1024)) + FixedBudgetMiB;
        Assert.True(samples.Count >= 5, $"Only {samples.Count} memory samples were taken.");
        Assert.True(facts["max_mib"] <= bound,
            $"Peak RSS {facts["max_mib"]:F1} MiB is above the bound {bound:F1} MiB (baseline {facts["baseline_mib"]:F1} + {count} x {perImage} B + {FixedBudgetMiB} MiB).");
    }
}
