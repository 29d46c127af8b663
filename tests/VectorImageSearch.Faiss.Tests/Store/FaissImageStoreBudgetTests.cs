using System.Text.Json;
using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Store;

/// <summary>The folder store under an <see cref="IndexBudget"/>: it chooses at reorganisation, tunes, saves the choice and keeps it on load.</summary>
public sealed class FaissImageStoreBudgetTests : IDisposable
{
    private const int Dimension = 32;
    private const int Count = 4_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("vis-budget-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (ImageRecord[] Records, float[] TextQueries) Data()
    {
        var (data, _, text) = ClusteredVectors.GenerateWithTextLikeQueries(Count, 1, 100, Dimension, seed: 3);
        var records = Enumerable.Range(0, Count).Select(i => new ImageRecord
        {
            Key = $"/photos/{i:D5}.jpg",
            Vector = data.AsMemory(i * Dimension, Dimension),
            ContentHash = $"hash{i}",
            SizeBytes = 1000 + i,
            LastWriteUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        }).ToArray();
        return (records, text);
    }

    private async Task<FaissImageStore> OpenAsync(IndexBudget budget)
    {
        var store = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = "Auto", Path = _folder, IndexBudget = budget });
        await store.OpenAsync(StoreRecords.Schema(Dimension));
        return store;
    }

    [Fact]
    public async Task The_choice_its_tuned_nprobe_and_measured_recall_go_into_the_manifest_and_survive_a_reload()
    {
        var (records, text) = Data();
        // Full vectors take 4,000 × 136 bytes = 544 kB; 250 kB leaves 8-bit codes (IVF-SQ8: ~174 kB).
        var budget = new IndexBudget { MemoryBytes = 250_000, TargetRecall = 0.9 };
        await using (var store = await OpenAsync(budget))
        {
            await store.UpsertAsync(records);
            Assert.Equal("Flat", store.IndexDescription);

            Assert.True(await store.ReorganiseAsync(text));

            Assert.Equal("IVF63,SQ8", store.IndexDescription);
            Assert.False(await store.ReorganiseAsync(text)); // chosen for this size already
            await store.FlushAsync();
        }

        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_folder, "manifest.json")));
        var choice = manifest.RootElement.GetProperty("choice");
        Assert.Equal("IVF63,SQ8", choice.GetProperty("factoryString").GetString());
        Assert.Equal("IvfSq8", choice.GetProperty("kind").GetString());
        Assert.Equal(250_000, choice.GetProperty("memoryBudgetBytes").GetInt64());
        Assert.Equal(0.9, choice.GetProperty("targetRecall").GetDouble());
        Assert.Equal(10, choice.GetProperty("recallK").GetInt32());
        Assert.True(choice.GetProperty("recall").GetDouble() >= 0.9);
        Assert.InRange(choice.GetProperty("measuredBytes").GetInt64(), 100_000, 250_000);
        Assert.Equal("queries", choice.GetProperty("querySource").GetString());
        Assert.Equal(100, choice.GetProperty("queryCount").GetInt32());
        Assert.Equal(Count, choice.GetProperty("vectorCount").GetInt64());
        Assert.Equal(4, choice.GetProperty("rejected").GetArrayLength());
        var nprobe = choice.GetProperty("nProbe").GetInt32();
        Assert.InRange(nprobe, 1, 63);
        // The index file is the one chosen and holds the tuned nprobe; the reloaded store does not choose again.
        Assert.InRange(manifest.RootElement.GetProperty("index").GetProperty("bytes").GetInt64(), 100_000, 250_000);

        await using var reloaded = await OpenAsync(budget);
        Assert.Equal("IVF63,SQ8", reloaded.IndexDescription);
        Assert.False(await reloaded.ReorganiseAsync(text));
        using var loaded = FaissIndex.Load(Path.Combine(_folder, manifest.RootElement.GetProperty("index").GetProperty("name").GetString()!));
        Assert.Equal(nprobe, loaded.DefaultNProbe);
    }

    [Fact]
    public async Task Without_queries_the_store_tunes_on_held_back_images_and_an_impossible_budget_keeps_the_index()
    {
        var (records, _) = Data();
        await using (var store = await OpenAsync(new IndexBudget { MemoryBytes = 250_000, TargetRecall = 0.9 }))
        {
            await store.UpsertAsync(records);
            Assert.True(await store.ReorganiseAsync());
            await store.FlushAsync();
        }
        using (var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_folder, "manifest.json"))))
        {
            var choice = manifest.RootElement.GetProperty("choice");
            Assert.Equal("held-back vectors", choice.GetProperty("querySource").GetString());
            Assert.Equal(IndexBudget.DefaultTuningQueries, choice.GetProperty("queryCount").GetInt32());
        }

        Directory.Delete(_folder, recursive: true);
        Directory.CreateDirectory(_folder);
        await using var tight = await OpenAsync(new IndexBudget { MemoryBytes = 20_000, TargetRecall = 0.9 });
        await tight.UpsertAsync(records);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => tight.ReorganiseAsync());
        Assert.Contains("memory 20,000 bytes", e.Message);
        Assert.Equal("Flat", tight.IndexDescription);
        Assert.Equal(Count, await tight.CountAsync());
        Assert.Equal(records[12].Key, (await tight.SearchAsync(records[12].Vector, new ImageStoreSearchOptions { K = 1 }))[0].Record.Key);
    }
}
