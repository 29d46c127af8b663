using VectorImageSearch.Faiss;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>
/// FaissVectorStore's constructor settings (the <see cref="FaissImageStoreOptions"/> every collection is built with) reach
/// each collection's store: its index, budget and folder, and whether loading verifies checksums.
/// </summary>
public sealed class FaissVectorStoreSettingsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vis-vectordata-settings-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Each_collection_builds_the_index_spec_in_its_own_folder_under_the_path()
    {
        using var store = new FaissVectorStore(new FaissImageStoreOptions { Path = _root, IndexSpec = "HNSW16" });
        var photos = store.GetCollection<long, Photo>("photos");
        await photos.UpsertAsync(FaissCollectionTests.Photos());

        var faiss = Assert.IsType<FaissImageStore>(store.OpenedStore("photos"));
        Assert.StartsWith("HNSW16", faiss.IndexDescription, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_root, "photos"), faiss.Path);
        Assert.True(File.Exists(Path.Combine(_root, "photos", "manifest.json")));
    }

    [Fact]
    public async Task The_index_budget_reaches_each_collection_and_a_bad_one_is_refused_at_once()
    {
        var budget = new IndexBudget { MemoryBytes = 1_000_000, TargetRecall = 0.9 };
        using var store = new FaissVectorStore(new FaissImageStoreOptions { IndexBudget = budget });
        await store.GetCollection<long, Photo>("photos").UpsertAsync(FaissCollectionTests.Photos());
        Assert.Equal(budget, Assert.IsType<FaissImageStore>(store.OpenedStore("photos")).IndexBudget);

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new FaissVectorStore(new FaissImageStoreOptions { IndexBudget = new IndexBudget { TargetRecall = 2 } }));
        Assert.Contains("TargetRecall", bad.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => new FaissVectorStore(new FaissImageStoreOptions { IndexSpec = " " }));
        Assert.Equal("storeOptions", empty.ParamName);
    }

    [Fact]
    public async Task Checksums_are_verified_on_load_unless_turned_off()
    {
        using (var writer = new FaissVectorStore(new FaissImageStoreOptions { Path = _root, IndexSpec = "Flat" }))
        {
            await writer.GetCollection<long, Photo>("photos").UpsertAsync(FaissCollectionTests.Photos());
        }
        // One bit of the last stored vector (the Flat codes come just before the id map: 5 ids and its 8-byte length),
        // so the index still reads as FAISS and only the checksum can tell.
        var indexFile = Directory.GetFiles(Path.Combine(_root, "photos"), "index.*.faiss").Single();
        var bytes = await File.ReadAllBytesAsync(indexFile);
        bytes[bytes.Length - 8 - (5 * sizeof(long)) - sizeof(float)] ^= 0x01;
        await File.WriteAllBytesAsync(indexFile, bytes);

        using (var verifying = new FaissVectorStore(new FaissImageStoreOptions { Path = _root, IndexSpec = "Flat" }))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => verifying.GetCollection<long, Photo>("photos").GetAsync(1));
            Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(indexFile), error.Message, StringComparison.Ordinal);
        }
        using var trusting = new FaissVectorStore(new FaissImageStoreOptions { Path = _root, IndexSpec = "Flat", VerifyChecksumsOnLoad = false });
        var photo = await trusting.GetCollection<long, Photo>("photos").GetAsync(1);
        Assert.Equal("summer", photo!.Album);
    }
}
