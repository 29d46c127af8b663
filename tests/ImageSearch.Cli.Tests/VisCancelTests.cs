using System.Diagnostics;
using System.Runtime.InteropServices;
using VectorImageSearch.Tests.Shared;

namespace ImageSearch.Cli.Tests;

/// <summary>Stopping <c>vis index</c> half way (SIGTERM, handled like Ctrl+C) keeps what was committed, and the next run finishes.</summary>
public sealed partial class VisCancelTests : IDisposable
{
    private const int SigTerm = 15;
    private readonly string _temp = Directory.CreateTempSubdirectory("vc").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_stopped_index_run_exits_130_saves_what_it_committed_and_the_next_run_adds_the_rest()
    {
        var images = Path.Combine(_temp, "img");
        Directory.CreateDirectory(images);
        var shapes = Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images"));
        foreach (var copy in new[] { "a", "b", "c", "d" })
        {
            foreach (var file in shapes)
            {
                File.Copy(file, Path.Combine(images, $"{copy}-{Path.GetFileName(file)}"));
            }
        }
        var total = shapes.Length * 4;
        var index = Path.Combine(_temp, "idx");

        using var process = Process.Start(VisCli.StartInfo(["index", images, "--model", RepoPaths.ClipTinyShapes, "--index", index]))!;
        var error = process.StandardError.ReadToEndAsync();
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(VisCli.Timeout);
        Assert.StartsWith("Indexing", first, StringComparison.Ordinal); // the first progress line: some batches are committed
        Assert.Equal(0, Kill(process.Id, SigTerm));
        var rest = await process.StandardOutput.ReadToEndAsync().WaitAsync(VisCli.Timeout);
        await process.WaitForExitAsync().WaitAsync(VisCli.Timeout);

        Assert.True(process.ExitCode == 130, first + rest + await error);
        var saved = int.Parse(Assert.Single(HoldsImages().Matches(rest)).Groups[1].Value);
        Assert.InRange(saved, 1, total - 1);
        var (code, output, stderr) = await VisCli.RunAsync("index", images, "--index", index);
        Assert.True(code == 0, output + stderr);
        Assert.Contains($"Indexed {total - saved} images", output, StringComparison.Ordinal);
        Assert.Contains($"{saved} unchanged", output, StringComparison.Ordinal);
        Assert.Contains($"The index holds {total} images", output, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Cancelled\. The index holds (\d+) images")]
    private static partial System.Text.RegularExpressions.Regex HoldsImages();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
