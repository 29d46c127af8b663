using System.Diagnostics;
using System.Globalization;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// A child process indexes a folder while saving in a loop and is SIGKILLed at a random moment. Each time the saved index
/// loads, holds a committed prefix of the folder (whole batches, in the folder's order), and the next run completes
/// the folder without indexing anything twice. 10 kills here; VIS_RELIABILITY_KILLS=50 for the figures in docs/reliability.md.
/// </summary>
public sealed class KillDuringIndexingTests(ITestOutputHelper output) : IDisposable
{
    private const int Images = 40;
    private const int HarnessBatch = 2;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Killed_while_indexing_and_saving_the_index_loads_holds_a_committed_prefix_and_the_next_run_completes()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("VIS_RELIABILITY_KILLS"), CultureInfo.InvariantCulture, out var n) ? n : 10;
        var images = _temp.Combine("images");
        Directory.CreateDirectory(images);
        foreach (var label in ShapeLabel.All.Take(Images))
        {
            File.Copy(label.Path, Path.Combine(images, Path.GetFileName(label.Path)));
        }
        var ordered = Directory.GetFiles(images).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
        var random = new Random(20261127);
        var held = new List<int>();
        for (var round = 0; round < kills; round++)
        {
            var indexPath = _temp.Combine($"round{round}");
            // Killed a random 0-50 ms after a random number of saves (20 batches fill the folder): wherever the harness
            // then is — reading, encoding, committing, saving — whatever the machine's speed.
            var saves = random.Next(0, Images / HarnessBatch + 4);
            var delay = random.Next(0, 50);
            await CrashHarness.RunAndKillAsync(indexPath, images, TimeSpan.FromMilliseconds(delay), "index-and-save", saves);

            using var reloaded = new SearchFactory(o => o.IndexPath = indexPath);
            var count = (int)reloaded.Search.Count; // loads the saved generation, or nothing if none was saved yet
            var keys = (await reloaded.Search.SearchAsync("any shape", k: Images)).Select(h => h.Key).ToList();
            Assert.Equal(count, keys.Count);
            Assert.True(count == Images || count % HarnessBatch == 0, $"Round {round}: {count} images is not whole batches of {HarnessBatch}.");
            Assert.Equal(ordered.Take(count), keys.Order(StringComparer.Ordinal));

            var next = await reloaded.Search.IndexDirectoryAsync(images);
            Assert.Equal(Images - count, next.Encoded);
            Assert.Equal(count, next.Unchanged);
            Assert.Empty(next.Failures);
            Assert.Equal(Images, reloaded.Search.Count);
            var all = await reloaded.Search.SearchAsync("any shape", k: Images * 2);
            Assert.Equal(ordered, all.Select(h => h.Key).Order(StringComparer.Ordinal));
            held.Add(count);
        }
        var partial = held.Count(c => c is > 0 and < Images);
        output.WriteLine($"{kills} kills: saved images per kill {string.Join(',', held)}; {partial} mid-run, {held.Count(c => c == 0)} before the first save, {held.Count(c => c == Images)} after the run");
        // The kills must land during indexing, not only before or after it, or the test proves little.
        Assert.True(partial > 0, "No kill landed while the folder was being indexed.");
    }
}
