using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>The 720 rendered shapes indexed once with the tiny CLIP, shared by the end-to-end tests.</summary>
public sealed class ShapesIndexFixture : IDisposable
{
    private readonly SearchFactory _factory;
    private readonly TempFolder _folder = new();

    public ShapesIndexFixture()
    {
        IndexPath = _folder.Combine("index");
        _factory = new SearchFactory(o => o.IndexPath = IndexPath);
        Report = Search.IndexDirectoryAsync(Path.Combine(RepoPaths.Shapes, "images")).GetAwaiter().GetResult();
        Search.SaveAsync().GetAwaiter().GetResult();
    }

    public IImageSearch Search => _factory.Search;

    public IImageEncoder ImageEncoder => (IImageEncoder)_factory.Services.GetService(typeof(IImageEncoder))!;

    public string IndexPath { get; }

    public IndexingReport Report { get; }

    public void Dispose()
    {
        _factory.Dispose();
        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ShapesIndexCollection : ICollectionFixture<ShapesIndexFixture>
{
    public const string Name = "shapes index";
}
