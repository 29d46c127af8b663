using VectorImageSearch.Faiss.Interop;
using VectorImageSearch.Persistence;

namespace VectorImageSearch.Faiss.Tests.Store;

public sealed class FaissImageStoreTests : IDisposable
{
    private const int Dimension = 16;
    private readonly string _folder = Directory.CreateTempSubdirectory("vis-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Upserted_records_are_found_listed_looked_up_and_deleted_by_key()
    {
        var records = StoreRecords.Make(40, Dimension, seed: 1);
        await using var store = await StoreRecords.OpenAsync(Dimension);
        var ids = await store.UpsertAsync(records);

        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(40, await store.CountAsync());
        var best = (await store.SearchAsync(records[7].Vector, new ImageStoreSearchOptions { K = 3 }))[0];
        Assert.Equal((records[7].Key, ids[7]), (best.Record.Key, best.Record.Id));
        Assert.Equal(1f, best.Score, 5);
        Assert.Equal("1", best.Record.Metadata["group"]);

        var listed = await ToListAsync(store.ListAsync("/photos/b/"));
        Assert.Equal(records.Where(r => r.Key.StartsWith("/photos/b/", StringComparison.Ordinal)).Select(r => r.Key).Order(StringComparer.Ordinal), listed.Select(r => r.Key));
        Assert.All(listed, r => Assert.True(r.Vector.IsEmpty));

        var got = await store.GetAsync(records[5].Key, includeVector: true);
        Assert.NotNull(got);
        Assert.Equal((records[5].ContentHash, records[5].SizeBytes, records[5].LastWriteUtc), (got.ContentHash, got.SizeBytes, got.LastWriteUtc));
        Assert.Equal(records[5].Vector.ToArray(), got.Vector.ToArray());
        Assert.True((await store.GetAsync(records[5].Key))!.Vector.IsEmpty);

        Assert.Equal(2, await store.DeleteAsync([records[0].Key, records[1].Key, "/not/stored.jpg"]));
        Assert.Null(await store.GetAsync(records[0].Key));
        Assert.Equal(38, await store.CountAsync());
    }

    [Theory]
    [InlineData("IVF12,Nonsense99")] // an IVF spec is searched with Flat until it can be trained: refused anyway, at once
    [InlineData("Nonsense")]
    [InlineData("PQ5")]              // PQ5 cannot split 16 dimensions
    public async Task An_index_spec_FAISS_cannot_build_is_refused_when_the_store_opens(string spec)
    {
        await using var store = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = spec });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenAsync(StoreRecords.Schema(Dimension)));
        Assert.Contains($"'{spec}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"dimension {Dimension}", error.Message, StringComparison.Ordinal);
        Assert.IsType<FaissException>(error.InnerException);
    }

    [Fact]
    public async Task A_bad_record_refuses_the_whole_batch_naming_it_and_changes_nothing()
    {
        var records = StoreRecords.Make(10, Dimension, seed: 2);
        await using var store = await StoreRecords.OpenAsync(Dimension);
        await store.UpsertAsync(records[..5]);

        var unnormalised = records[5..] .Select((r, i) => i == 3 ? r with { Vector = r.Vector.ToArray().Select(v => v * 2).ToArray() } : r).ToList();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(unnormalised));
        Assert.Contains(records[8].Key, error.Message);
        Assert.Contains("normalised", error.Message);

        var shortVector = records[5..].Select((r, i) => i == 1 ? r with { Vector = new float[Dimension - 1] } : r).ToList();
        error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(shortVector));
        Assert.Contains(records[6].Key, error.Message);

        error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([records[5], records[6], records[5]]));
        Assert.Contains(records[5].Key, error.Message);

        Assert.Equal(5, await store.CountAsync());
        Assert.Equal(5, (await store.SearchAsync(records[9].Vector, new ImageStoreSearchOptions { K = 10 })).Count);
    }

    [Fact]
    public async Task A_record_stored_again_with_its_own_vector_keeps_its_id_and_a_new_vector_gets_a_new_one()
    {
        var records = StoreRecords.Make(20, Dimension, seed: 3);
        await using var store = await StoreRecords.OpenAsync(Dimension, "HNSW16");
        var ids = await store.UpsertAsync(records);

        var stored = (await store.GetAsync(records[4].Key, includeVector: true))!;
        var touched = stored with { LastWriteUtc = stored.LastWriteUtc!.Value.AddDays(1), SizeBytes = 4242 };
        var kept = await store.UpsertAsync([touched]);
        var changed = await store.UpsertAsync([records[9] with { Vector = records[10].Vector }]);

        Assert.Equal(ids[4], kept[0]);
        Assert.Equal((4242L, touched.LastWriteUtc), ((await store.GetAsync(records[4].Key))!.SizeBytes, (await store.GetAsync(records[4].Key))!.LastWriteUtc));
        Assert.NotEqual(ids[9], changed[0]);
        Assert.Equal(20, await store.CountAsync());
        var nearTen = await store.SearchAsync(records[10].Vector, new ImageStoreSearchOptions { K = 2 });
        Assert.Equal([records[10].Key, records[9].Key], nearTen.Select(m => m.Record.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Another_engines_search_parameters_are_refused()
    {
        await using var store = await StoreRecords.OpenAsync(Dimension);
        await store.UpsertAsync(StoreRecords.Make(5, Dimension, seed: 4));
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.SearchAsync(StoreRecords.Make(1, Dimension, seed: 5)[0].Vector, new ImageStoreSearchOptions { EngineParameters = new OtherEngineParameters() }));
        Assert.Contains(nameof(OtherEngineParameters), error.Message);
    }

    [Fact]
    public async Task Per_search_probes_reach_faiss_fewer_probes_cost_recall()
    {
        var records = StoreRecords.Make(2000, Dimension, seed: 6);
        await using var store = await StoreRecords.OpenAsync(Dimension, "IVF32,Flat");
        await store.UpsertAsync(records);
        Assert.True(await store.ReorganiseAsync());
        Assert.Equal("IVF32,Flat", store.IndexDescription);
        var random = new Random(7);
        double oneProbe = 0, allProbes = 0;
        for (var q = 0; q < 30; q++)
        {
            var query = StoreRecords.UnitVector(random, Dimension);
            var truth = StoreRecords.Reference(records, query, 10).Select(e => e.Key).ToHashSet();
            var options = new ImageStoreSearchOptions { K = 10 };
            oneProbe += (await store.SearchAsync(query, options, new VectorSearchOptions { NProbe = 1 }, default)).Count(m => truth.Contains(m.Record.Key));
            allProbes += (await store.SearchAsync(query, options, new VectorSearchOptions { NProbe = 32 }, default)).Count(m => truth.Contains(m.Record.Key));
        }
        Assert.Equal(300, allProbes);
        Assert.True(oneProbe < 0.9 * allProbes, $"one probe found {oneProbe} of {allProbes} true neighbours");
    }

    [Fact]
    public async Task An_ivf_spec_searches_exactly_until_it_can_be_trained_then_grows()
    {
        var records = StoreRecords.Make(200, Dimension, seed: 8);
        await using var store = await StoreRecords.OpenAsync(Dimension, "IVF4,Flat");
        await store.UpsertAsync(records[..100]);
        Assert.False(await store.ReorganiseAsync());
        Assert.Equal("Flat", store.IndexDescription);

        await store.UpsertAsync(records[100..]);
        Assert.True(await store.ReorganiseAsync());

        Assert.Equal("IVF4,Flat", store.IndexDescription);
        Assert.Equal(records[137].Key, (await store.SearchAsync(records[137].Vector, new ImageStoreSearchOptions { K = 1 }))[0].Record.Key);
    }

    [Fact]
    public async Task The_threads_setting_reaches_every_search_also_after_the_index_is_rebuilt()
    {
        var records = StoreRecords.Make(200, Dimension, seed: 12);
        var before = ShimNative.GetNumThreads();
        var query = new ImageStoreSearchOptions { K = 5 };
        // 1 and 3: at least one differs from FAISS's default team size on any machine, so an ignored setting shows.
        foreach (var threads in new[] { 1, 3 })
        {
            await using var store = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = "IVF4,Flat", Threads = threads });
            await store.OpenAsync(StoreRecords.Schema(Dimension));
            await store.UpsertAsync(records);
            await store.SearchAsync(records[1].Vector, query); // completes synchronously: the search ran on this thread
            Assert.Equal(threads, ShimNative.LastSearchThreads());
            Assert.True(await store.ReorganiseAsync());
            Assert.Equal("IVF4,Flat", store.IndexDescription);
            await store.SearchAsync(records[1].Vector, query); // completes synchronously: the search ran on this thread
            Assert.Equal(threads, ShimNative.LastSearchThreads());
        }
        Assert.Equal(before, ShimNative.GetNumThreads());
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new FaissImageStore(new FaissImageStoreOptions { Threads = -1 }));
        Assert.Contains("FaissImageStoreOptions.Threads", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opened_memory_mapped_the_store_searches_as_loaded_and_refuses_every_change()
    {
        var records = StoreRecords.Make(200, Dimension, seed: 11);
        var path = Path.Combine(_folder, "mapped");
        List<(long, string, float)> before;
        await using (var store = await StoreRecords.OpenAsync(Dimension, "IVF4,Flat", path))
        {
            await store.UpsertAsync(records);
            Assert.True(await store.ReorganiseAsync());
            before = [.. (await store.SearchAsync(records[5].Vector, new ImageStoreSearchOptions { K = 10 })).Select(m => (m.Record.Id, m.Record.Key, m.Score))];
            await store.FlushAsync();
        }

        await using var mapped = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = "IVF4,Flat", Path = path, MemoryMapOnLoad = true });
        await mapped.OpenAsync(StoreRecords.Schema(Dimension));
        Assert.Equal("IVF4,Flat", mapped.IndexDescription);
        var after = await mapped.SearchAsync(records[5].Vector, new ImageStoreSearchOptions { K = 10 });
        Assert.Equal(before, after.Select(m => (m.Record.Id, m.Record.Key, m.Score)));

        List<InvalidOperationException> refused =
        [
            await Assert.ThrowsAsync<InvalidOperationException>(() => mapped.UpsertAsync([records[0]])),
            await Assert.ThrowsAsync<InvalidOperationException>(() => mapped.DeleteAsync([records[0].Key])),
            await Assert.ThrowsAsync<InvalidOperationException>(() => mapped.ReorganiseAsync()),
            await Assert.ThrowsAsync<InvalidOperationException>(() => mapped.FlushAsync()),
        ];
        Assert.All(refused, e => Assert.Contains("opened with MemoryMapOnLoad", e.Message, StringComparison.Ordinal));
        Assert.Equal(200, await mapped.CountAsync());
    }

    [Fact]
    public async Task Flushed_to_its_folder_the_store_reopens_with_the_same_records_and_refuses_another_model()
    {
        var records = StoreRecords.Make(30, Dimension, seed: 9);
        var path = Path.Combine(_folder, "index");
        List<ImageRecordMatch> before;
        await using (var store = await StoreRecords.OpenAsync(Dimension, "HNSW16", path))
        {
            await store.UpsertAsync(records);
            await store.DeleteAsync([records[0].Key]);
            before = [.. await store.SearchAsync(records[1].Vector, new ImageStoreSearchOptions { K = 30 })];
            await store.FlushAsync();
        }
        Assert.True(File.Exists(Path.Combine(path, "manifest.json")));

        await using (var reopened = await StoreRecords.OpenAsync(Dimension, "HNSW16", path))
        {
            var after = await reopened.SearchAsync(records[1].Vector, new ImageStoreSearchOptions { K = 30 });
            Assert.Equal(29, await reopened.CountAsync());
            Assert.Equal(before.Select(m => (m.Record.Id, m.Record.Key)), after.Select(m => (m.Record.Id, m.Record.Key)));
        }

        await using var other = new FaissImageStore(new FaissImageStoreOptions { Path = path });
        var error = await Assert.ThrowsAnyAsync<ImageStoreCompatibilityException>(() => other.OpenAsync("another-model:9", Dimension));
        Assert.IsType<IndexCompatibilityException>(error);
        Assert.Contains("another-model:9", error.Message);
        Assert.Contains(StoreRecords.Fingerprint, error.Message);
        Assert.Throws<InvalidOperationException>(() => other.CountAsync().GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_store_in_memory_cannot_flush_and_a_closed_store_says_to_open_it()
    {
        await using var store = new FaissImageStore(new FaissImageStoreOptions());
        var closed = await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertAsync(StoreRecords.Make(1, Dimension, seed: 10)));
        Assert.Contains("OpenAsync", closed.Message);
        await store.OpenAsync(StoreRecords.Schema(Dimension));
        var flush = await Assert.ThrowsAsync<InvalidOperationException>(() => store.FlushAsync());
        Assert.Contains("SaveAsync", flush.Message);
    }

    private static async Task<List<ImageRecord>> ToListAsync(IAsyncEnumerable<ImageRecord> records)
    {
        var list = new List<ImageRecord>();
        await foreach (var record in records)
        {
            list.Add(record);
        }
        return list;
    }

    private sealed record OtherEngineParameters : StoreSearchParameters;
}
