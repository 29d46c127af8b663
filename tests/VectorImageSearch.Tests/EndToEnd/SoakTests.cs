using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// Mixed concurrent work on one engine from 8 tasks — index files, add, remove, search by text, image and vector, save
/// then load — checked against a model of the expected contents. 20 s here; VIS_SOAK_SECONDS=600 for the long run.
/// Each task owns its keys, so its part of the model is exact; save-then-load runs while no task changes anything
/// (searches go on), so the loaded index must equal the model at that moment.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Tasks = 8;
    private const int FilesPerTask = 20;
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Eight_tasks_of_mixed_work_end_with_the_model_contents_no_errors_no_deadlock_and_flat_memory()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("VIS_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 20;
        var files = Enumerable.Range(0, Tasks).Select(CopyShapes).ToArray();
        var universe = files.SelectMany(f => f).Concat(Enumerable.Range(0, Tasks).SelectMany(t => Enumerable.Range(0, 10).Select(n => AddKey(t, n)))).ToHashSet();
        var indexPath = _temp.Combine("index");
        using var factory = new SearchFactory(o => { o.IndexPath = indexPath; o.BatchSize = 4; o.DecodeParallelism = 1; });
        var search = factory.Search;
        var models = Enumerable.Range(0, Tasks).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var gate = new ChangeGate();
        var heapAtQuiet = new List<(double Seconds, long Heap)>();
        var counts = new long[7];
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);

        async Task WorkAsync(int task)
        {
            var random = new Random(1000 + task);
            var model = models[task];
            while (clock.Elapsed < end)
            {
                var op = random.Next(20) switch { < 4 => 0, < 8 => 1, < 11 => 2, < 13 => 3, < 15 => 4, < 19 => 5, _ => 6 };
                Interlocked.Increment(ref counts[op]);
                switch (op)
                {
                    case 0: // index some of the task's files
                        var some = files[task].OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
                        using (await gate.ChangeAsync())
                        {
                            var report = await search.IndexFilesAsync(some).WaitAsync(Hang);
                            Assert.Empty(report.Failures);
                            model.UnionWith(some);
                        }
                        break;
                    case 1: // add under a key of the task's own
                        var key = AddKey(task, random.Next(10));
                        using (await gate.ChangeAsync())
                        {
                            await search.AddAsync(ImageInput.FromFile(files[task][random.Next(FilesPerTask)]), key).WaitAsync(Hang);
                            model.Add(key);
                        }
                        break;
                    case 2: // remove one of the task's keys (sometimes one that is not there)
                        var victim = model.Count > 0 && random.Next(4) > 0 ? model.ElementAt(random.Next(model.Count)) : AddKey(task, random.Next(10));
                        using (await gate.ChangeAsync())
                        {
                            Assert.Equal(model.Contains(victim), await search.RemoveAsync(victim).WaitAsync(Hang));
                            model.Remove(victim);
                        }
                        break;
                    case 3:
                        CheckHits(await search.SearchAsync("a red circle", k: 10).WaitAsync(Hang), universe);
                        break;
                    case 4:
                        CheckHits(await search.SearchAsync(ImageInput.FromFile(files[task][0]), k: 5).WaitAsync(Hang), universe);
                        break;
                    case 5:
                        var vector = Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
                        CheckHits(await search.SearchAsync(vector, k: 7).WaitAsync(Hang), universe);
                        break;
                    default: // save, then load what was saved, while nothing changes
                        using (await gate.QuietAsync())
                        {
                            await search.SaveAsync().WaitAsync(Hang);
                            await search.LoadAsync().WaitAsync(Hang);
                            Assert.Equal(models.Sum(m => m.Count), search.Count);
                            lock (heapAtQuiet)
                            {
                                heapAtQuiet.Add((clock.Elapsed.TotalSeconds, GC.GetTotalMemory(forceFullCollection: true)));
                            }
                        }
                        break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(() => WorkAsync(t)))).WaitAsync(end + Hang);

        var expected = models.SelectMany(m => m).Order(StringComparer.Ordinal).ToList();
        var engine = Assert.IsType<ImageSearchEngine>(search);
        var stored = new List<string>();
        await foreach (var record in engine.Store.ListAsync("", CancellationToken.None))
        {
            stored.Add(record.Key);
        }
        Assert.Equal(expected, stored.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, search.Count);
        await search.SaveAsync();
        using (var reloaded = new SearchFactory(o => o.IndexPath = indexPath))
        {
            Assert.Equal(expected.Count, reloaded.Search.Count);
        }

        // Memory: the managed heap measured at quiet moments (after a full collection) must stop growing after warm-up:
        // the last measurement within twice the largest of the first half, plus slack for the index's own growth.
        var rss = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seconds} s, {Tasks} tasks: ops index/add/remove/text/image/vector/save+load = {string.Join('/', counts)}; final {expected.Count} images; heap at quiet moments (MiB): {string.Join(' ', heapAtQuiet.Select(h => (h.Heap / 1048576.0).ToString("F1", CultureInfo.InvariantCulture)))}; RSS at end {rss:F0} MiB"));
        Assert.True(heapAtQuiet.Count >= 2, "Too few save+load rounds to judge memory.");
        var firstHalf = heapAtQuiet.Where(h => h.Seconds <= seconds / 2.0).Select(h => h.Heap).DefaultIfEmpty(heapAtQuiet[0].Heap).Max();
        Assert.True(heapAtQuiet[^1].Heap <= 2 * firstHalf + (32L << 20), $"The managed heap grew from {firstHalf} to {heapAtQuiet[^1].Heap} bytes.");
    }

    private static string AddKey(int task, int n) => $"task{task}/added{n}";

    private static void CheckHits(IReadOnlyList<SearchHit> hits, HashSet<string> universe)
    {
        Assert.Equal(hits.Count, hits.Select(h => h.Key).Distinct().Count());
        for (var i = 0; i < hits.Count; i++)
        {
            Assert.Contains(hits[i].Key, universe);
            Assert.True(float.IsFinite(hits[i].Score));
            Assert.Equal(i + 1, hits[i].Rank);
            Assert.True(i == 0 || hits[i].Score <= hits[i - 1].Score, "Hits are not in score order.");
        }
    }

    private List<string> CopyShapes(int task)
    {
        var folder = _temp.Combine($"task{task}");
        Directory.CreateDirectory(folder);
        return [.. ShapeLabel.All.Skip(task * FilesPerTask).Take(FilesPerTask).Select(label =>
        {
            var path = Path.Combine(folder, Path.GetFileName(label.Path));
            File.Copy(label.Path, path);
            return Path.GetFullPath(path);
        })];
    }

    /// <summary>Many changes at once, or one quiet moment with no change running (searches are not held).</summary>
    private sealed class ChangeGate
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private int _changing;

        public async Task<IDisposable> ChangeAsync()
        {
            await _turn.WaitAsync();
            Interlocked.Increment(ref _changing);
            _turn.Release();
            return new Release(() => Interlocked.Decrement(ref _changing));
        }

        public async Task<IDisposable> QuietAsync()
        {
            await _turn.WaitAsync();
            while (Volatile.Read(ref _changing) > 0)
            {
                await Task.Delay(1);
            }
            return new Release(() => _turn.Release());
        }

        private sealed class Release(Action release) : IDisposable
        {
            public void Dispose() => release();
        }
    }
}
