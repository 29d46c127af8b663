using System.Diagnostics;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>Starts the crash harness (tests/VectorImageSearch.CrashHarness) and SIGKILLs it a while after it is ready.</summary>
internal static class CrashHarness
{
    /// <summary>Runs the harness over <paramref name="indexPath"/> and <paramref name="images"/>, kills it <paramref name="afterReady"/> after "ready".</summary>
    /// <param name="indexPath">The index folder.</param>
    /// <param name="images">The images folder.</param>
    /// <param name="afterReady">How long after "ready" (and after <paramref name="saves"/> saves) the harness is killed.</param>
    /// <param name="mode">The harness mode (index-and-save), or none for save-only.</param>
    /// <param name="saves">In index-and-save mode, the number of "saved" lines to wait for before the delay starts.</param>
    public static async Task RunAndKillAsync(string indexPath, string images, TimeSpan afterReady, string? mode = null, int saves = 0)
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.CrashHarness.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { harness, RepoPaths.ClipTinyShapes, indexPath, images })
        {
            start.ArgumentList.Add(argument);
        }
        if (mode is not null)
        {
            start.ArgumentList.Add(mode);
        }
        using var child = Process.Start(start)!;
        var ready = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (ready is null || !ready.StartsWith("ready", StringComparison.Ordinal))
        {
            var error = await child.StandardError.ReadToEndAsync();
            child.Kill(entireProcessTree: true);
            Assert.Fail($"The harness did not get ready: {ready} {error}");
        }
        for (var saved = 0; saved < saves; saved++)
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            if (line is null || !line.StartsWith("saved", StringComparison.Ordinal))
            {
                Assert.Fail($"The harness stopped before save {saved + 1}: {line} {await child.StandardError.ReadToEndAsync()}");
            }
        }
        await Task.Delay(afterReady);
        if (child.HasExited)
        {
            Assert.Fail($"The harness exited by itself (code {child.ExitCode}): {await child.StandardError.ReadToEndAsync()}");
        }
        child.Kill(entireProcessTree: true); // SIGKILL on Linux
        await child.WaitForExitAsync();
    }
}
