using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Faiss;
using VectorImageSearch.Tests.EndToEnd;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

public sealed class ImageSearchBuilderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AddClip_then_UseFaiss_indexes_into_the_given_spec_and_folder()
    {
        var images = _temp.CopyShapes("images", 0, 6);
        var index = _temp.Combine("index");
        var services = new ServiceCollection();
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseFaiss("HNSW16", index);
        using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<ImageSearchEngine>();
        var report = await engine.IndexDirectoryAsync(images);
        await engine.SaveAsync();

        Assert.Equal(6, report.Encoded);
        Assert.Equal("HNSW16", engine.IndexDescription);
        var store = Assert.IsType<FaissImageStore>(provider.GetRequiredService<IImageRecordStore>());
        Assert.Same(store, engine.Store);
        Assert.Equal(index, store.Path);
        Assert.True(File.Exists(Path.Combine(index, "manifest.json")));
        Assert.Equal(6, (await engine.SearchAsync("a red circle", k: 10)).Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Encoders_the_app_registers_before_or_after_are_the_ones_used_and_no_model_path_is_demanded(bool registerFirst)
    {
        var images = _temp.CopyShapes("images", 0, 5);
        using var imageEncoder = new CountingImageEncoder();
        using var textEncoder = new CountingTextEncoder();
        var services = new ServiceCollection();
        if (registerFirst)
        {
            services.AddSingleton<IImageEncoder>(imageEncoder).AddSingleton<ITextEncoder>(textEncoder);
        }
        services.AddImageSearch().UseFaiss();
        if (!registerFirst)
        {
            services.AddSingleton<IImageEncoder>(imageEncoder).AddSingleton<ITextEncoder>(textEncoder);
        }
        using var provider = services.BuildServiceProvider();

        var search = provider.GetRequiredService<IImageSearch>();
        await search.IndexDirectoryAsync(images);
        var hits = await search.SearchAsync("a red circle", k: 3);

        Assert.Same(imageEncoder, provider.GetRequiredService<IImageEncoder>());
        Assert.Equal(5, imageEncoder.Images);
        Assert.Equal(1, textEncoder.Texts);
        Assert.Equal(3, hits.Count);
    }

    [Fact]
    public async Task An_image_encoder_of_the_app_without_a_text_encoder_makes_an_image_only_search()
    {
        var images = _temp.CopyShapes("images", 0, 4);
        using var imageEncoder = new CountingImageEncoder();
        var services = new ServiceCollection();
        services.AddSingleton<IImageEncoder>(imageEncoder);
        services.AddImageSearch();
        using var provider = services.BuildServiceProvider();

        var search = provider.GetRequiredService<IImageSearch>();
        await search.IndexDirectoryAsync(images);
        var like = await search.SearchAsync(ImageInput.FromFile(ShapeLabel.All[2].Path), k: 1);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => search.SearchAsync("a red circle"));

        Assert.Equal(Path.GetFileName(ShapeLabel.All[2].Path), Path.GetFileName(like[0].Key));
        Assert.Contains("text encoder", error.Message);
    }

    [Fact]
    public async Task Two_named_collections_in_one_app_are_independent_and_resolve_by_key()
    {
        var red = _temp.CopyShapes("first", 0, 8);
        var blue = _temp.CopyShapes("second", 8, 5);
        var services = new ServiceCollection();
        services.AddImageSearch("first").AddClip(RepoPaths.ClipTinyShapes).UseFaiss("Flat");
        services.AddImageSearch("second").AddClip(RepoPaths.ClipTinyShapes).UseFaiss("HNSW16", _temp.Combine("second-index"));
        services.AddSingleton<TwoSearches>();
        using var provider = services.BuildServiceProvider();

        var both = provider.GetRequiredService<TwoSearches>();
        await both.First.IndexDirectoryAsync(red);
        await both.Second.IndexDirectoryAsync(blue);

        Assert.Same(both.First, provider.GetRequiredKeyedService<IImageSearch>("first"));
        Assert.NotSame(both.First, both.Second);
        Assert.NotSame(provider.GetRequiredKeyedService<IImageRecordStore>("first"), provider.GetRequiredKeyedService<IImageRecordStore>("second"));
        Assert.Null(provider.GetService<IImageSearch>());
        Assert.Equal((8L, 5L), (both.First.Count, both.Second.Count));
        Assert.All(await both.First.SearchAsync("a shape", k: 20), h => Assert.StartsWith(red, h.Key, StringComparison.Ordinal));
        Assert.All(await both.Second.SearchAsync("a shape", k: 20), h => Assert.StartsWith(blue, h.Key, StringComparison.Ordinal));
        Assert.Equal("Flat", provider.GetRequiredKeyedService<ImageSearchEngine>("first").IndexDescription);
        Assert.Equal("HNSW16", provider.GetRequiredKeyedService<ImageSearchEngine>("second").IndexDescription);
    }

    [Fact]
    public void Configuration_chooses_a_registered_store_kind_and_hands_it_its_own_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes,
            ["ImageSearch:Store"] = "folder",
            ["ImageSearch:Folder:Spec"] = "HNSW8",
            ["ImageSearch:Folder:Path"] = _temp.Combine("configured"),
        }).Build();
        var calls = new List<(string? Name, string? Spec)>();
        var services = new ServiceCollection();
        services.AddImageStoreKind("Folder", (_, name, section) =>
        {
            calls.Add((name, section?["Spec"]));
            return new FaissImageStore(new FaissImageStoreOptions { IndexSpec = section!["Spec"]!, Path = section["Path"] });
        });
        services.AddImageSearch(configuration.GetSection("ImageSearch"));
        using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<ImageSearchEngine>();

        Assert.Equal([((string?)null, (string?)"HNSW8")], calls);
        var store = Assert.IsType<FaissImageStore>(engine.Store);
        Assert.Equal(_temp.Combine("configured"), store.Path);
        Assert.Equal("HNSW8", engine.IndexDescription);
    }

    [Fact]
    public void A_store_kind_nobody_registered_fails_naming_it_and_the_hook()
    {
        var services = new ServiceCollection();
        services.AddImageSearch(o => { o.UseClip(RepoPaths.ClipTinyShapes); o.Store = "Postgres"; });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageSearch>());

        Assert.Contains("'Postgres'", error.Message);
        Assert.Contains("AddImageStoreKind", error.Message);
        Assert.Contains("Faiss", error.Message);
    }

    [Fact]
    public async Task UseStore_replaces_the_store_chosen_before_and_the_engine_leaves_it_to_the_container()
    {
        var services = new ServiceCollection();
        var mine = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = "Flat" });
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseFaiss("HNSW16").UseStore(_ => mine);
        var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<ImageSearchEngine>();
        await engine.AddAsync(ImageInput.FromFile(ShapeLabel.All[0].Path), "one");

        Assert.Same(mine, engine.Store);
        Assert.Equal("Flat", engine.IndexDescription);
        Assert.Single(services, d => d.ServiceType == typeof(IImageRecordStore));
        engine.Dispose();
        Assert.Equal(1, await mine.CountAsync());
        await provider.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => mine.CountAsync());
    }

    private sealed class TwoSearches([FromKeyedServices("first")] IImageSearch first, [FromKeyedServices("second")] IImageSearch second)
    {
        public IImageSearch First { get; } = first;

        public IImageSearch Second { get; } = second;
    }
}
