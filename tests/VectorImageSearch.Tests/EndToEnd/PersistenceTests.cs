using VectorImageSearch.Persistence;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

[Collection(ShapesIndexCollection.Name)]
public sealed class PersistenceTests(ShapesIndexFixture fixture) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Save_then_load_gives_the_same_hits_and_ids()
    {
        string[] queries = ["a red circle", "a small green star", "a yellow heart on a black background"];
        using var loaded = new SearchFactory(o => o.IndexPath = fixture.IndexPath);

        Assert.Equal(720, loaded.Search.Count);
        foreach (var query in queries)
        {
            var before = await fixture.Search.SearchAsync(query, k: 10);
            var after = await loaded.Search.SearchAsync(query, k: 10);
            Assert.Equal(before.Select(h => (h.Id, h.Key)), after.Select(h => (h.Id, h.Key)));
            Assert.Equal(before.Select(h => h.Score), after.Select(h => h.Score));
        }
    }

    [Fact]
    public async Task A_memory_mapped_ivf_index_answers_the_same_and_refuses_changes()
    {
        var folder = Path.Combine(_temp.Path, "ivf");
        IReadOnlyList<SearchHit> before;
        using (var writer = new SearchFactory(o => { o.Index = "IVF4,Flat"; o.IndexPath = folder; }))
        {
            await writer.Search.IndexDirectoryAsync(Path.Combine(RepoPaths.Shapes, "images"));
            Assert.Equal("IVF4,Flat", writer.Search.IndexDescription);
            before = await writer.Search.SearchAsync("a red circle", k: 10);
            await writer.Search.SaveAsync();
        }

        using var mapped = new SearchFactory(o => { o.Index = "IVF4,Flat"; o.IndexPath = folder; o.MemoryMapIndexOnLoad = true; });
        var after = await mapped.Search.SearchAsync("a red circle", k: 10);
        Assert.Equal(before.Select(h => (h.Id, h.Key, h.Score)), after.Select(h => (h.Id, h.Key, h.Score)));
        var save = await Assert.ThrowsAsync<InvalidOperationException>(() => mapped.Search.SaveAsync());
        var remove = await Assert.ThrowsAsync<InvalidOperationException>(() => mapped.Search.RemoveAsync(before[0].Key));
        Assert.All([save, remove], e => Assert.Contains("opened with MemoryMapOnLoad", e.Message, StringComparison.Ordinal));
        Assert.Equal(720, await mapped.Search.CountAsync());
    }

    [Fact]
    public async Task A_second_run_over_an_unchanged_folder_encodes_nothing()
    {
        using var loaded = new SearchFactory(o => o.IndexPath = fixture.IndexPath);
        var report = await loaded.Search.IndexDirectoryAsync(Path.Combine(RepoPaths.Shapes, "images"));
        Assert.Equal(0, report.Encoded);
        Assert.Equal(720, report.Unchanged);
        Assert.Equal(0, report.Removed);
        Assert.Empty(report.Failures);
    }

    [Fact]
    public async Task Loading_with_another_model_is_refused_naming_both_models()
    {
        var copy = CopyIndex();
        var manifestPath = Path.Combine(copy, "manifest.json");
        var text = await File.ReadAllTextAsync(manifestPath);
        var fingerprint = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("modelFingerprint").GetString()!;
        await File.WriteAllTextAsync(manifestPath, text.Replace(fingerprint, "some-other-model:0123"));

        using var engine = new SearchFactory();
        var error = await Assert.ThrowsAsync<IndexCompatibilityException>(() => engine.Search.LoadAsync(copy));
        Assert.Contains("some-other-model:0123", error.Message);
        Assert.Contains(fingerprint, error.Message);
    }

    [Fact]
    public async Task A_truncated_or_corrupt_data_file_is_refused_with_its_name()
    {
        var truncated = CopyIndex();
        var indexFile = Directory.GetFiles(truncated, "index.*.faiss").Single();
        using (var stream = new FileStream(indexFile, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        using var engine = new SearchFactory();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.LoadAsync(truncated));
        Assert.Contains(Path.GetFileName(indexFile), error.Message);

        var corrupt = CopyIndex();
        var catalogFile = Directory.GetFiles(corrupt, "catalog.*.bin").Single();
        var bytes = await File.ReadAllBytesAsync(catalogFile);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(catalogFile, bytes);
        var checksum = await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.LoadAsync(corrupt));
        Assert.Contains("checksum", checksum.Message);

        var noManifest = CopyIndex();
        File.Delete(Path.Combine(noManifest, "manifest.json"));
        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.LoadAsync(noManifest));
        Assert.Contains("manifest.json", missing.Message);

        var garbled = CopyIndex();
        await File.WriteAllTextAsync(Path.Combine(garbled, "manifest.json"), "{ \"formatVersion\": 1, \"model");
        await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.LoadAsync(garbled));
    }

    [Fact]
    public async Task A_corrupt_index_whose_checksum_is_not_checked_still_fails_cleanly()
    {
        var copy = CopyIndex();
        var indexFile = Directory.GetFiles(copy, "index.*.faiss").Single();
        var bytes = await File.ReadAllBytesAsync(indexFile);
        Array.Fill(bytes, (byte)0xFF, 0, 64);
        await File.WriteAllBytesAsync(indexFile, bytes);

        using var engine = new SearchFactory(o => o.VerifyChecksumsOnLoad = false);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.LoadAsync(copy));
        Assert.Contains(Path.GetFileName(indexFile), error.Message);
    }

    [Fact]
    public async Task A_configured_index_that_cannot_be_loaded_keeps_failing_and_is_never_saved_over()
    {
        var copy = CopyIndex();
        var catalogFile = Directory.GetFiles(copy, "catalog.*.bin").Single();
        var bytes = await File.ReadAllBytesAsync(catalogFile);
        bytes[^10] ^= 0x11;
        await File.WriteAllBytesAsync(catalogFile, bytes);
        var before = Directory.GetFiles(copy).ToDictionary(f => f, File.ReadAllBytes);

        using var engine = new SearchFactory(o => o.IndexPath = copy);
        Assert.Throws<InvalidDataException>(() => engine.Search.Count);
        await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.CountAsync());
        Assert.Throws<InvalidDataException>(() => engine.Search.Count);
        await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.SaveAsync());
        await Assert.ThrowsAsync<InvalidDataException>(() => engine.Search.SearchAsync("a red circle"));

        Assert.Equal(before.Keys.Order(), Directory.GetFiles(copy).Order());
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
    }

    private string CopyIndex()
    {
        var target = _temp.Combine(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(fixture.IndexPath))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }
}
