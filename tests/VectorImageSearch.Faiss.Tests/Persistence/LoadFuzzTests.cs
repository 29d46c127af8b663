using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace VectorImageSearch.Faiss.Tests.Persistence;

/// <summary>
/// Damaged index files of every kind, loaded and searched thousands of times in a child process under an address-space
/// limit: a crash or a runaway allocation ends the child, not this test host, and fails the test.
/// </summary>
public sealed class LoadFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int MutationsPerKind = 300;
    private const long AddressSpaceLimitKiB = 4L * 1024 * 1024; // the .NET runtime itself reserves about 2.5 GiB
    private readonly string _work = Path.Combine(Path.GetTempPath(), "vis-faiss-fuzz-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Thousands_of_damaged_indexes_of_every_kind_never_crash_or_exhaust_memory()
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.Faiss.FuzzHarness.dll");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("ulimit -v \"$1\" && exec dotnet \"$2\" \"$3\" 11 \"$4\"");
        foreach (var argument in new[] { "fuzz", AddressSpaceLimitKiB.ToString(CultureInfo.InvariantCulture), harness, MutationsPerKind.ToString(CultureInfo.InvariantCulture), _work })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        var stdout = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        var stderr = await errors;
        var summary = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        output.WriteLine(summary);
        Assert.True(child.ExitCode == 0,
            $"The harness ended with code {child.ExitCode} (a crash or the memory limit); the mutant that did it is {Path.Combine(_work, "current.faiss")}. {stderr}");
        var counts = summary.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.True(counts["mutations"] >= 3000, summary);
        Assert.Equal(0, counts["otherExceptions"]); // every refusal is a FaissException
        Assert.Equal(0, counts["searchRefused"]);   // what loads, searches
        Assert.True(counts["refused"] > 500, summary);
        Assert.True(counts["loaded"] > 500, summary);
        Assert.True(counts["peakRssMiB"] < 1024, summary);
        Assert.Equal(counts["mutations"], counts["refused"] + counts["loaded"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
