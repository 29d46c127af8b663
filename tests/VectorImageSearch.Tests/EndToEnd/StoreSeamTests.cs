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

    /// <summary>A store the engine knows only through the seam: the FAISS store behind it, its folder hidden.</summary>
    private sealed class NotAFolderStore(IImageRecordStore inner) : IImageRecordStore
    {
        public int Flushes { get; private set; }

        public Task OpenAsync(string modelFingerprint, int dimension, CancellationToken cancellationToken = default) => inner.OpenAsync(modelFingerprint, dimension, cancellationToken);

        public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

        public Task<IReadOnlyList<long>> UpsertAsync(IReadOnlyList<ImageRecord> records, CancellationToken cancellationToken = default) => inner.UpsertAsync(records, cancellationToken);

        public Task<int> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);

        public Task<ImageRecord?> GetAsync(string key, bool includeVector = false, CancellationToken cancellationToken = default) => inner.GetAsync(key, includeVector, cancellationToken);

        public IAsyncEnumerable<ImageRecord> ListAsync(string? keyPrefix = null, CancellationToken cancellationToken = default) => inner.ListAsync(keyPrefix, cancellationToken);

        public Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken = default) =>
            inner.SearchAsync(query, options, cancellationToken);

        public Task FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
