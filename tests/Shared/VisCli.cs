using System.Diagnostics;

namespace VectorImageSearch.Tests.Shared;

/// <summary>
/// Runs the sample CLI (samples/ImageSearch.Cli, <c>vis.dll</c>, copied beside the tests by a project reference) as a
/// child process, without colours, and collects what it printed.
/// </summary>
internal static class VisCli
{
    /// <summary>How long one command may take before the test fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The start of <c>dotnet vis.dll arguments…</c>; <paramref name="environment"/> sets variables (a null value removes one).</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vis.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        return start;
    }

    /// <summary>Runs one command to its end: its exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Process.Start(StartInfo(arguments, environment)) ?? throw new InvalidOperationException("could not start vis");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary><see cref="RunAsync(IEnumerable{string}, IReadOnlyDictionary{string, string?})"/> with its arguments inline.</summary>
    public static Task<(int Code, string Output, string Error)> RunAsync(params string[] arguments) => RunAsync(arguments, null);
}
