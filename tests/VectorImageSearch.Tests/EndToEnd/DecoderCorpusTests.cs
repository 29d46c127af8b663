using System.Diagnostics;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// The corpus kept from the coverage-guided fuzzing run (tests/fixtures/fuzz-corpus: AFL's queue minimised with
/// afl-cmin and every input that once failed wrongly) and the fuzzer's seeds (eng/fuzz/seeds: every format and odd
/// variant), replayed through the fuzzer's own target in a child
/// process (the crash harness's decode-files mode): every file decodes or is refused with an
/// <see cref="ImageDecodeException"/> naming it; nothing crashes or hangs.
/// </summary>
public sealed class DecoderCorpusTests(ITestOutputHelper output)
{
    // A guard against a hang on one file, not a timing assertion: a file takes milliseconds.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_file_of_the_fuzzing_corpus_decodes_or_fails_with_an_ImageDecodeException_naming_it()
    {
        var corpus = Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz-corpus");
        var seeds = Path.Combine(RepoPaths.Root, "eng", "fuzz", "seeds");
        var paths = new[] { corpus, seeds }.SelectMany(f => Directory.GetFiles(f).Order(StringComparer.Ordinal)).ToList();
        var files = paths.Select(Path.GetFileName).ToList();
        Assert.True(files.Count > 50, $"The corpus in {corpus} and {seeds} holds only {files.Count} files.");
        var harness = Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.CrashHarness.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { harness, "decode-files", corpus, seeds })
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        int ok = 0, refused = 0;
        var other = new List<string>();
        foreach (var (file, path) in files.Zip(paths))
        {
            var reproduce = $"dotnet {harness} decode-files <a folder holding only {path}>";
            foreach (var expected in new[] { "start", null })
            {
                string? line;
                try
                {
                    line = await child.StandardOutput.ReadLineAsync().WaitAsync(Hang);
                }
                catch (TimeoutException)
                {
                    child.Kill(entireProcessTree: true);
                    Assert.Fail($"{file} hung for {Hang.TotalSeconds} s; reproduce with {reproduce}");
                    return;
                }
                if (line is null)
                {
                    await child.WaitForExitAsync();
                    Assert.Fail($"The decoder process died on {file} (exit code {child.ExitCode}); reproduce with {reproduce}\n{Tail(await errors)}");
                }
                Assert.StartsWith(file + " ", line);
                var result = line[(file!.Length + 1)..];
                if (expected is not null)
                {
                    Assert.Equal(expected, result);
                }
                else if (result == "ok")
                {
                    ok++;
                }
                else if (result == "decode")
                {
                    refused++;
                }
                else
                {
                    other.Add(line);
                }
            }
        }
        await child.WaitForExitAsync().WaitAsync(Hang);
        output.WriteLine($"{files.Count} corpus and seed files: {ok} decoded, {refused} refused with an ImageDecodeException naming the file, {other.Count} other");
        Assert.Equal(0, child.ExitCode);
        Assert.True(other.Count == 0, $"{other.Count} files failed with something other than an ImageDecodeException naming them:\n{string.Join('\n', other.Take(10))}");
        Assert.True(ok > 0 && refused > 0, $"{ok} decoded and {refused} refused: the corpus does not exercise both outcomes.");
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').Where(l => !l.Contains("VIPS-WARNING", StringComparison.Ordinal) && l.Trim().Length > 0).TakeLast(20));
}
