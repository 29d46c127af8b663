using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

public sealed class CrashDuringSaveTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_process_killed_at_random_moments_while_saving_leaves_the_old_or_the_new_index_never_an_error()
    {
        var oldImages = _temp.CopyShapes("old", 0, 20);
        var newImages = _temp.CopyShapes("new", 20, 20);
        var pristine = _temp.Combine("pristine");
        using (var factory = new SearchFactory(o => o.IndexPath = pristine))
        {
            await factory.Search.IndexDirectoryAsync(oldImages);
            await factory.Search.SaveAsync();
        }
        var oldKeys = Directory.GetFiles(oldImages).Select(Path.GetFullPath).ToHashSet();
        var newKeys = oldKeys.Union(Directory.GetFiles(newImages).Select(Path.GetFullPath)).ToHashSet();

        var random = new Random(20261121);
        int sawOld = 0, sawNew = 0;
        for (var round = 0; round < 20; round++)
        {
            var indexPath = _temp.Combine($"round{round}");
            CopyFolder(pristine, indexPath);
            var delay = random.Next(0, 40);
            await CrashHarness.RunAndKillAsync(indexPath, newImages, TimeSpan.FromMilliseconds(delay));

            using var reloaded = new SearchFactory(o => o.IndexPath = indexPath);
            var hits = await reloaded.Search.SearchAsync("any shape", k: 100);
            var keys = hits.Select(h => h.Key).ToHashSet();
            if (keys.SetEquals(oldKeys))
            {
                sawOld++;
            }
            else if (keys.SetEquals(newKeys))
            {
                sawNew++;
            }
            else
            {
                Assert.Fail($"Round {round} (killed {delay} ms after ready) loaded {keys.Count} images: neither the old nor the new content.");
            }
            Assert.Equal(keys.Count, reloaded.Search.Count);
        }
        output.WriteLine($"20 kills: {sawOld} left the old index, {sawNew} the new one");
        Assert.Equal(20, sawOld + sawNew);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
