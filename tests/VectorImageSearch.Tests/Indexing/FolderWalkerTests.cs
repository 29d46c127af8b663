using VectorImageSearch.Indexing.Scanning;

namespace VectorImageSearch.Tests.Indexing;

public sealed class FolderWalkerTests : IDisposable
{
    private static readonly FolderScanOptions Images = new(Recursive: true, FollowSymbolicLinks: false, ImageSearchOptions.DefaultExtensions);

    private readonly string _folder = Directory.CreateTempSubdirectory("vis-walk-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Finds_images_by_extension_depth_first_in_name_order()
    {
        Touch("b.JPG", "a.png", "notes.txt", "sub/c.webp", "sub/deeper/d.jpeg", "z.gif");

        var names = await NamesAsync(Images);
        var top = await NamesAsync(Images with { Recursive = false });

        Assert.Equal(["a.png", "b.JPG", "c.webp", "d.jpeg", "z.gif"], names);
        Assert.Equal(["a.png", "b.JPG", "z.gif"], top);
    }

    [Fact]
    public async Task A_link_back_to_the_parent_is_not_followed_by_default_and_visited_once_when_followed()
    {
        Touch("a.png", "sub/b.png");
        Directory.CreateSymbolicLink(Path.Combine(_folder, "sub", "loop"), _folder);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "alias"), Path.Combine(_folder, "sub"));

        var plain = await NamesAsync(Images);
        var followed = await NamesAsync(Images with { FollowSymbolicLinks = true });

        Assert.Equal(["a.png", "b.png"], plain);
        // Followed links reach only folders already visited: every image once, and the walk ends.
        Assert.Equal(["a.png", "b.png"], followed);
    }

    [Fact]
    public async Task A_followed_link_to_a_folder_outside_the_tree_is_walked()
    {
        var outside = Directory.CreateTempSubdirectory("vis-walk-outside-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(outside, "x.png"), [0]);
            Touch("a.png");
            Directory.CreateSymbolicLink(Path.Combine(_folder, "link"), outside);

            Assert.Equal(["a.png"], await NamesAsync(Images));
            Assert.Equal(["a.png", "x.png"], await NamesAsync(Images with { FollowSymbolicLinks = true }));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task A_mutual_link_cycle_between_two_folders_ends_when_links_are_followed()
    {
        Touch("one/a.png", "two/b.png");
        Directory.CreateSymbolicLink(Path.Combine(_folder, "one", "to-two"), Path.Combine(_folder, "two"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "two", "to-one"), Path.Combine(_folder, "one"));

        var names = await NamesAsync(Images with { FollowSymbolicLinks = true });

        Assert.Equal(2, names.Count);
        Assert.Equal(["a.png", "b.png"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_folder_that_vanishes_during_the_walk_is_reported_and_the_walk_goes_on()
    {
        // "a" holds more files than the walker buffers, so the walker is still inside "a" when the first file arrives;
        // "b" has been listed by then and is deleted before the walker reaches it.
        for (var f = 0; f < 1500; f++)
        {
            Touch($"a/{f:D4}.png");
        }
        Touch("b/lost.png", "c/kept.png");
        var entries = new List<ScannedEntry>();

        await foreach (var entry in FolderWalker.WalkAsync(_folder, Images))
        {
            if (entries.Count == 0)
            {
                Directory.Delete(Path.Combine(_folder, "b"), recursive: true);
            }
            entries.Add(entry);
        }

        Assert.Equal(1501, entries.Count(e => e.File is not null));
        Assert.Equal("kept.png", entries.Last().File?.Name);
        var failure = Assert.Single(entries, e => e.Failure is not null).Failure!;
        Assert.Equal(Path.Combine(_folder, "b"), failure.Key);
        Assert.Contains("cannot be read", failure.Reason);
    }

    [Fact]
    public async Task A_missing_folder_is_named_in_the_exception()
    {
        var missing = Path.Combine(_folder, "nope");
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => NamesAsync(Images, missing));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public async Task The_first_file_arrives_before_a_large_tree_is_listed_and_cancellation_stops_the_walk()
    {
        // 200 folders of 100 files: far more than the walker buffers, so the first file must come while it still walks.
        for (var d = 0; d < 200; d++)
        {
            var sub = Directory.CreateDirectory(Path.Combine(_folder, $"d{d:D3}")).FullName;
            for (var f = 0; f < 100; f++)
            {
                File.WriteAllBytes(Path.Combine(sub, $"{f:D3}.png"), []);
            }
        }
        using var cancel = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var entry in FolderWalker.WalkAsync(_folder, Images, cancel.Token))
            {
                seen++;
                if (seen == 10)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(10, seen);
    }

    [Fact]
    public async Task The_call_returns_before_walking_even_when_the_tree_is_large()
    {
        Touch("a.png");
        var enumerator = FolderWalker.WalkAsync(_folder, Images).GetAsyncEnumerator();
        try
        {
            var first = enumerator.MoveNextAsync();
            Assert.True(await first);
            Assert.Equal("a.png", enumerator.Current.File!.Name);
            Assert.False(await enumerator.MoveNextAsync());
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private void Touch(params string[] names)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(_folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [0]);
        }
    }

    private async Task<List<string>> NamesAsync(FolderScanOptions options, string? folder = null) =>
        [.. (await EntriesAsync(options, folder)).Select(e => e.File?.Name ?? throw new InvalidOperationException($"unexpected failure: {e.Failure}"))];

    private async Task<List<ScannedEntry>> EntriesAsync(FolderScanOptions options, string? folder = null)
    {
        var entries = new List<ScannedEntry>();
        await foreach (var entry in FolderWalker.WalkAsync(folder ?? _folder, options))
        {
            entries.Add(entry);
        }
        return entries;
    }
}
