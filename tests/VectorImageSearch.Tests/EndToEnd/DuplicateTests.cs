namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>De-duplicated results and library-wide duplicate groups, on shapes indexed under extra keys.</summary>
public sealed class DuplicateTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SearchFactory _factory;
    private readonly List<ShapeLabel> _shapes;

    public DuplicateTests()
    {
        _factory = new SearchFactory(o => o.IndexPath = _folder.Combine("index"));
        _shapes = ShapeLabel.All.Where(l => l.Colour == "red").Take(40).ToList();
    }

    private IImageSearch Search => _factory.Search;

    [Fact]
    public async Task Deduplicate_drops_an_image_indexed_twice_and_still_returns_k()
    {
        foreach (var shape in _shapes)
        {
            await Search.AddAsync(ImageInput.FromFile(shape.Path), shape.Path);
        }
        var copied = _shapes[0];
        await Search.AddAsync(ImageInput.FromFile(copied.Path), "copy:" + copied.Path);
        var query = ImageQuery.ForImage(ImageInput.FromFile(copied.Path)) with { K = 10 };

        var plain = await Search.SearchAsync(query with { K = 11 });
        var distinct = await Search.SearchAsync(query with { Deduplicate = true, DuplicateThreshold = 0.999f });

        Assert.Contains(plain.Take(2), h => h.Key == "copy:" + copied.Path);
        Assert.Contains(plain.Take(2), h => h.Key == copied.Path);
        Assert.Equal(10, distinct.Count);
        Assert.Single(distinct, h => h.Key.EndsWith(copied.Path, StringComparison.Ordinal));
        // The better-ranked copy stays; the other is dropped and the 11th image fills the list.
        Assert.Equal(plain.Where(h => h.Key != plain[1].Key).Select(h => h.Key), distinct.Select(h => h.Key));
        Assert.Equal(Enumerable.Range(1, 10), distinct.Select(h => h.Rank));
    }

    [Fact]
    public async Task FindDuplicatesAsync_groups_exactly_the_images_indexed_under_several_keys()
    {
        foreach (var shape in _shapes)
        {
            await Search.AddAsync(ImageInput.FromFile(shape.Path), shape.Path);
        }
        await Search.AddAsync(ImageInput.FromFile(_shapes[3].Path), "copy1:" + _shapes[3].Path);
        await Search.AddAsync(ImageInput.FromFile(_shapes[3].Path), "copy2:" + _shapes[3].Path);
        await Search.AddAsync(ImageInput.FromFile(_shapes[7].Path), "copy1:" + _shapes[7].Path);
        var reports = new List<DuplicateScanProgress>();

        var groups = new List<IReadOnlyList<SearchHit>>();
        await foreach (var group in Search.FindDuplicatesAsync(0.9999f, new SyncProgress(reports.Add)))
        {
            groups.Add(group);
        }

        Assert.Equal(2, groups.Count);
        Assert.Equal(new[] { _shapes[3].Path, "copy1:" + _shapes[3].Path, "copy2:" + _shapes[3].Path }, groups[0].Select(h => h.Key));
        Assert.Equal(new[] { _shapes[7].Path, "copy1:" + _shapes[7].Path }, groups[1].Select(h => h.Key));
        Assert.All(groups.SelectMany(g => g), h => Assert.True(h.Score >= 0.9999f));
        Assert.Equal(43, reports[^1].Scanned);
        Assert.Equal(5, reports[^1].Linked);
    }

    [Fact]
    public void AddImageSearch_registers_IImageSearch_as_the_same_engine()
    {
        var engine = (ImageSearchEngine?)_factory.Services.GetService(typeof(ImageSearchEngine));
        Assert.NotNull(engine);
        Assert.Same(_factory.Search, engine);
    }

    [Fact]
    public async Task FindDuplicatesAsync_refuses_a_threshold_outside_0_to_1()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await foreach (var _ in Search.FindDuplicatesAsync(1.5f))
            {
            }
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        _folder.Dispose();
    }

    private sealed class SyncProgress(Action<DuplicateScanProgress> report) : IProgress<DuplicateScanProgress>
    {
        public void Report(DuplicateScanProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
