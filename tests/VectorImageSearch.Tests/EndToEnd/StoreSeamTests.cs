using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Faiss;
using VectorImageSearch.Tests.DependencyInjection;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

public sealed class StoreSeamTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_touched_file_is_not_encoded_again_and_keeps_its_id_with_its_new_file_facts()
    {
        var folder = _temp.Combine("images");
        Directory.CreateDirectory(folder);
        foreach (var label in ShapeLabel.All.Take(3))
        {
            File.Copy(label.Path, Path.Combine(folder, Path.GetFileName(label.Path)));
        }
        using var encoder = new CountingImageEncoder();
        var services = new ServiceCollection();
        services.AddSingleton<IImageEncoder>(encoder);
        services.AddImageSearch().UseFaiss("HNSW16");
        using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<ImageSearchEngine>();
        await engine.IndexDirectoryAsync(folder);
        var touched = Directory.GetFiles(folder).Order(StringComparer.Ordinal).First();
        var before = (await engine.Store.GetAsync(touched))!;
        var later = DateTime.UtcNow.AddMinutes(5);
        File.SetLastWriteTimeUtc(touched, later);

        var report = await engine.IndexDirectoryAsync(folder);

        var after = (await engine.Store.GetAsync(touched))!;
        Assert.Equal((0, 3), (report.Encoded, report.Unchanged));
        Assert.Equal(3, encoder.Images);
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(File.GetLastWriteTimeUtc(touched), after.LastWriteUtc);
        Assert.NotEqual(before.LastWriteUtc, after.LastWriteUtc);
        Assert.Equal(0, (await engine.IndexDirectoryAsync(folder)).Encoded);
    }

    [Fact]
    public async Task An_engine_over_a_store_that_is_not_a_folder_flushes_it_and_refuses_folder_paths()
    {
        using var encoder = new CountingImageEncoder();
        await using var inner = new FaissImageStore(new FaissImageStoreOptions());
        var store = new NotAFolderStore(inner);
        using var engine = new ImageSearchEngine(encoder, null, store, new ImageSearchOptions());

        await engine.AddAsync(ImageInput.FromFile(ShapeLabel.All[0].Path), "one");
        await engine.SaveAsync();
        await engine.LoadAsync();

        Assert.Equal(1, store.Flushes);
        Assert.Equal(1, engine.Count);
        Assert.Equal(nameof(NotAFolderStore), engine.IndexDescription);
        var save = await Assert.ThrowsAsync<NotSupportedException>(() => engine.SaveAsync(_temp.Combine("x")));
        Assert.Contains(nameof(NotAFolderStore), save.Message);
        await Assert.ThrowsAsync<NotSupportedException>(() => engine.LoadAsync(_temp.Combine("x")));
    }

    /// <summary>A store the engine knows only through the seam, whose flushes are counted and go no further.</summary>
    private sealed class NotAFolderStore(IImageRecordStore inner) : SeamOnlyStore(inner)
    {
        public int Flushes { get; private set; }

        public override Task FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }
}
