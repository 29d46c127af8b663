using VectorImageSearch.Onnx;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

public sealed class IncrementalIndexingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string CopyShapes(int count, string folderName = "images") => _temp.CopyShapes(folderName, 0, count);

    [Fact]
    public async Task A_second_run_encodes_only_new_and_changed_files_and_drops_deleted_ones()
    {
        var folder = CopyShapes(24);
        using var factory = new SearchFactory(o => o.BatchSize = 8);
        var first = await factory.Search.IndexDirectoryAsync(folder);
        Assert.Equal(24, first.Encoded);

        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        File.Delete(files[0]);
        File.Delete(files[1]);
        File.Copy(ShapeLabel.All[100].Path, files[2], overwrite: true);          // changed content
        File.SetLastWriteTimeUtc(files[3], DateTime.UtcNow.AddMinutes(1));        // touched, same content
        File.Copy(ShapeLabel.All[101].Path, Path.Combine(folder, "new-one.png")); // new

        var second = await factory.Search.IndexDirectoryAsync(folder);

        Assert.Equal(2, second.Encoded);
        Assert.Equal(2, second.Removed);
        Assert.Equal(21, second.Unchanged);
        Assert.Empty(second.Failures);
        Assert.Equal(23, factory.Search.Count);
        var third = await factory.Search.IndexDirectoryAsync(folder);
        Assert.Equal(0, third.Encoded);

        var changed = await factory.Search.SearchAsync(ImageInput.FromFile(ShapeLabel.All[100].Path), k: 1);
        Assert.Equal(files[2], changed[0].Key);
        var removed = await factory.Search.SearchAsync(ImageInput.FromFile(ShapeLabel.All[0].Path), k: 23);
        Assert.DoesNotContain(removed, h => h.Key == files[0]);
    }

    [Fact]
    public async Task Five_bad_files_among_good_ones_are_reported_and_the_good_ones_indexed()
    {
        var folder = CopyShapes(20);
        File.WriteAllBytes(Path.Combine(folder, "zero-bytes.jpg"), []);
        File.WriteAllText(Path.Combine(folder, "not-an-image.jpg"), "this is a text file, not a JPEG");
        var truncated = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "fixtures", "preprocess", "bad-truncated.jpg"));
        File.WriteAllBytes(Path.Combine(folder, "truncated.jpg"), truncated);
        var png = File.ReadAllBytes(ShapeLabel.All[0].Path);
        File.WriteAllBytes(Path.Combine(folder, "half.png"), png[..(png.Length / 2)]);
        File.WriteAllBytes(Path.Combine(folder, "random.webp"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());

        using var factory = new SearchFactory();
        var report = await factory.Search.IndexDirectoryAsync(folder);

        Assert.Equal(20, report.Encoded);
        Assert.Equal(20, factory.Search.Count);
        Assert.Equal(
            ["half.png", "not-an-image.jpg", "random.webp", "truncated.jpg", "zero-bytes.jpg"],
            report.Failures.Select(f => Path.GetFileName(f.Key)).Order(StringComparer.Ordinal));
        Assert.All(report.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Value)));
        Assert.Contains("0 bytes", report.Failures[Path.Combine(folder, "zero-bytes.jpg")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_half_way_leaves_a_consistent_loadable_index_and_the_next_run_finishes()
    {
        var folder = CopyShapes(96);
        var indexPath = _temp.Combine("index");
        using var cancel = new CancellationTokenSource();
        var progress = new InlineProgress(p =>
        {
            if (p.Encoded >= 16)
            {
                cancel.Cancel();
            }
        });
        using (var factory = new SearchFactory(o => { o.BatchSize = 8; o.IndexPath = indexPath; }))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => factory.Search.IndexDirectoryAsync(folder, progress, cancel.Token));
            var count = factory.Search.Count;
            Assert.InRange(count, 16, 95);
            Assert.Equal(0, count % 8);
            var hits = await factory.Search.SearchAsync("a red circle", k: 200);
            Assert.Equal(count, hits.Count);
            await factory.Search.SaveAsync();
        }

        using var reloaded = new SearchFactory(o => { o.BatchSize = 8; o.IndexPath = indexPath; });
        var partial = reloaded.Search.Count;
        var rest = await reloaded.Search.IndexDirectoryAsync(folder);
        Assert.Equal(96 - partial, rest.Encoded);
        Assert.Equal(96, reloaded.Search.Count);
    }

    [Fact]
    public async Task Searches_run_while_indexing_runs_and_always_see_whole_batches()
    {
        var folder = CopyShapes(64);
        using var factory = new SearchFactory(o => o.BatchSize = 8);
        var indexing = factory.Search.IndexDirectoryAsync(folder);
        var observed = new List<int>();
        while (!indexing.IsCompleted)
        {
            var hits = await factory.Search.SearchAsync("a green square", k: 100);
            observed.Add(hits.Count);
        }
        await indexing;
        Assert.All(observed, n => Assert.Equal(0, n % 8));
        Assert.Equal(64, (await factory.Search.SearchAsync("a green square", k: 100)).Count);
    }

    [Fact]
    public async Task Added_images_can_be_found_replaced_and_removed_by_key()
    {
        using var factory = new SearchFactory();
        var metadata = new Dictionary<string, string> { ["source"] = "upload" };
        var id = await factory.Search.AddAsync(ImageInput.FromFile(ShapeLabel.All[5].Path), "upload-1", metadata);
        await factory.Search.AddAsync(ImageInput.FromBytes(File.ReadAllBytes(ShapeLabel.All[6].Path)), "upload-2");

        var hit = (await factory.Search.SearchAsync(ImageInput.FromFile(ShapeLabel.All[5].Path), k: 1))[0];
        Assert.Equal(("upload-1", id, "upload"), (hit.Key, hit.Id, hit.Metadata["source"]));

        var replaced = await factory.Search.AddAsync(ImageInput.FromFile(ShapeLabel.All[7].Path), "upload-1");
        Assert.NotEqual(id, replaced);
        Assert.Equal(2, factory.Search.Count);

        Assert.True(await factory.Search.RemoveAsync("upload-2"));
        Assert.False(await factory.Search.RemoveAsync("upload-2"));
        var left = await factory.Search.SearchAsync("anything at all", k: 10);
        Assert.Equal(["upload-1"], left.Select(h => h.Key));
    }

    [Fact]
    public async Task An_image_only_model_refuses_text_queries_clearly()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddImageSearch(o => o.UseImageEncoder(RepoPaths.ResNetTinyShapes, ImageEncoderPreset.ResNet50));
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var search = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IImageSearch>(provider);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => search.SearchAsync("a red circle"));
        Assert.Contains("text encoder", error.Message);
    }

    private sealed class InlineProgress(Action<IndexingProgress> report) : IProgress<IndexingProgress>
    {
        public void Report(IndexingProgress value) => report(value);
    }
}
