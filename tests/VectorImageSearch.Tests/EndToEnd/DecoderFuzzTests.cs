using System.Diagnostics;
using System.Globalization;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// 10,000 seeded mutations of seed images in every supported format (and progressive, palette, 16-bit, grey, EXIF-rotated
/// variants) through decode + preprocess, in a child process (the crash harness's decode-fuzz mode): no crash, no hang,
/// every failure an <see cref="ImageDecodeException"/> naming the input. Deterministic: input N is the same on every run.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 10_000;

    // A guard against a hang on one input, not a timing assertion: an input takes milliseconds.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ten_thousand_mutated_images_decode_or_fail_with_an_ImageDecodeException_naming_the_input_and_never_crash()
    {
        var source = ShapeLabel.All[0].Path;
        var harness = Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.CrashHarness.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { harness, "decode-fuzz", source, "0", Inputs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        var reproduce = $"dotnet {harness} decode-fuzz {source} N 1";
        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        int ok = 0, refused = 0;
        var other = new List<string>();
        for (var n = 0; n < Inputs; n++)
        {
            string? line;
            try
            {
                line = await child.StandardOutput.ReadLineAsync().WaitAsync(Hang);
            }
            catch (TimeoutException)
            {
                child.Kill(entireProcessTree: true);
                Assert.Fail($"Input {n} hung for {Hang.TotalSeconds} s; reproduce with {reproduce.Replace(" N ", $" {n} ", StringComparison.Ordinal)}");
                return;
            }
            if (line is null)
            {
                await child.WaitForExitAsync();
                Assert.Fail($"The decoder process died on input {n} (exit code {child.ExitCode}); reproduce with {reproduce.Replace(" N ", $" {n} ", StringComparison.Ordinal)}\n{Tail(await errors)}");
            }
            var prefix = n.ToString(CultureInfo.InvariantCulture) + " ";
            Assert.StartsWith(prefix, line);
            var result = line[prefix.Length..];
            if (result == "ok")
            {
                ok++;
            }
            else if (result.StartsWith("decode ", StringComparison.Ordinal))
            {
                refused++;
            }
            else
            {
                other.Add(line);
            }
        }
        await child.WaitForExitAsync().WaitAsync(Hang);
        output.WriteLine($"{Inputs} mutated inputs: {ok} decoded, {refused} refused with ImageDecodeException naming the input, {other.Count} other; {Tail(await errors).Split('\n').FirstOrDefault(l => l.StartsWith("seeds:", StringComparison.Ordinal))}");
        Assert.Equal(0, child.ExitCode);
        Assert.True(other.Count == 0, $"{other.Count} inputs failed with something other than an ImageDecodeException naming them, e.g.:\n{string.Join('\n', other.Take(5))}");
        // The mutations must exercise both paths, or the test proves little.
        Assert.True(ok > 0 && refused > 0, $"{ok} decoded and {refused} refused: the mutations do not exercise both outcomes.");
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').Where(l => !l.Contains("VIPS-WARNING", StringComparison.Ordinal) && l.Trim().Length > 0).TakeLast(20));
}
