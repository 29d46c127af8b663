using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Indexing;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>IndexDirectoryAsync over the streaming folder walker: loops, links, cancellation during the scan, files that change.</summary>
public sealed class StreamingFolderIndexingTests : IDisposable
{
    // A guard against a hang, not a timing assertion: a correct run takes seconds.
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_link_back_to_the_parent_completes_and_indexes_every_image_once(bool follow)
    {
        var folder = _temp.CopyShapes("photos", 0, 6);
        _temp.CopyShapes(Path.Combine("photos", "sub"), 6, 4);
        Directory.CreateSymbolicLink(Path.Combine(folder, "sub", "up"), folder);
        using var factory = new SearchFactory(o => o.FollowSymbolicLinks = follow);

        var report = await factory.Search.IndexDirectoryAsync(folder).WaitAsync(Hang);

        Assert.Equal(10, report.Encoded);
        Assert.Empty(report.Failures);
        Assert.Equal(10, factory.Search.Count);
    }

    [Fact]
    public async Task FollowSymbolicLinks_binds_from_configuration_and_walks_a_linked_folder()
    {
        var folder = _temp.CopyShapes("photos", 0, 3);
        var outside = _temp.CopyShapes("elsewhere", 3, 2);
        Directory.CreateSymbolicLink(Path.Combine(folder, "linked"), outside);

        async Task<int> EncodedAsync(string? follow)
        {
            var values = new Dictionary<string, string?> { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes };
            if (follow is not null)
            {
                values["ImageSearch:FollowSymbolicLinks"] = follow;
            }
            var services = new ServiceCollection();
            services.AddImageSearch(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("ImageSearch"));
            await using var provider = services.BuildServiceProvider();
            var report = await provider.GetRequiredService<IImageSearch>().IndexDirectoryAsync(folder).WaitAsync(Hang);
            return report.Encoded;
        }

        Assert.Equal(3, await EncodedAsync(null));
        Assert.Equal(5, await EncodedAsync("true"));
    }

    [Fact]
    public async Task Cancelling_during_the_scan_stops_the_run_and_indexes_nothing()
    {
        // Thousands of empty folders before the one image: the scan is still walking when the run's first progress
        // arrives, and that is when it is cancelled. A run that ignored the token would index the image.
        var folder = _temp.Combine("deep");
        for (var d = 0; d < 3000; d++)
        {
            Directory.CreateDirectory(Path.Combine(folder, $"a{d:D4}", "x"));
        }
        Directory.CreateDirectory(Path.Combine(folder, "zzz"));
        File.Copy(ShapeLabel.All[0].Path, Path.Combine(folder, "zzz", "last.png"));
        using var factory = new SearchFactory();
        using var cancel = new CancellationTokenSource();

        var run = factory.Search.IndexDirectoryAsync(folder, new CancelOnFirstReport(cancel), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Hang));
        Assert.Equal(0, factory.Search.Count);
        // The same folder indexes fully afterwards.
        Assert.Equal(1, (await factory.Search.IndexDirectoryAsync(folder).WaitAsync(Hang)).Encoded);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_gives_a_cancelled_task_without_scanning()
    {
        var folder = _temp.CopyShapes("photos", 0, 2);
        using var factory = new SearchFactory();

        var run = factory.Search.IndexDirectoryAsync(folder, cancellationToken: new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Hang));
        Assert.Equal(0, factory.Search.Count);
    }

    [Fact]
    public async Task A_missing_folder_fails_the_task_naming_it()
    {
        using var factory = new SearchFactory();
        var missing = _temp.Combine("nope");

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => factory.Search.IndexDirectoryAsync(missing));

        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public async Task Files_that_vanish_or_change_after_they_were_planned_are_reported_and_the_rest_indexed()
    {
        var folder = _temp.CopyShapes("photos", 0, 4);
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        using var factory = new SearchFactory();
        var encoder = factory.Services.GetRequiredService<IImageEncoder>();
        var items = files.Select(f => new IndexingWorkItem(f, ImageInput.FromFile(f), new Dictionary<string, string>(), File.GetLastWriteTimeUtc(f), null)).ToList();
        // Planned, then changed and deleted before the decoders read them.
        File.Copy(ShapeLabel.All[50].Path, files[1], overwrite: true);
        File.SetLastWriteTimeUtc(files[1], items[1].LastWriteUtc!.Value.AddSeconds(5));
        File.Delete(files[2]);
        var committed = new List<string>();
        var pipeline = new IndexingPipeline(encoder, batchSize: 2, decodeParallelism: 2, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var result = await pipeline.RunAsync(
            items.ToAsyncEnumerable(), new IndexingPlanTally(),
            (batch, _) => { committed.AddRange(batch.Select(b => b.Item.Key)); return Task.CompletedTask; },
            (_, _, _) => Task.CompletedTask, null, CancellationToken.None).WaitAsync(Hang);

        Assert.Equal([files[0], files[3]], committed.Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Failures.Count);
        var changed = Assert.Single(result.Failures, f => f.Key == files[1]);
        Assert.Contains("changed while it was being indexed", changed.Reason);
        var vanished = Assert.Single(result.Failures, f => f.Key == files[2]);
        Assert.Contains("cannot be read", vanished.Reason);
    }

    /// <summary>Cancels the run on its first progress report (reported synchronously, on the run's own thread).</summary>
    private sealed class CancelOnFirstReport(CancellationTokenSource cancel) : IProgress<IndexingProgress>
    {
        public void Report(IndexingProgress value) => cancel.Cancel();
    }
}
