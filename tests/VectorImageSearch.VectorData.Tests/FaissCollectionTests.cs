using Microsoft.Extensions.VectorData;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>
/// FaissVectorStore's collections against what Microsoft.Extensions.VectorData documents for a collection: record CRUD
/// (single and batch), search with Top, Skip, ScoreThreshold and IncludeVectors, collection lifetime, persistence.
/// </summary>
public sealed class FaissCollectionTests : IDisposable
{
    private static readonly DateTime Epoch = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("vis-vectordata-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private FaissVectorStore Store(bool flush = true) => new(new FaissImageStoreOptions { Path = _root, IndexSpec = "Flat" }, new ImageRecordVectorStoreOptions { FlushAfterEachWrite = flush });

    internal static Photo[] Photos() =>
    [
        new() { Id = 1, Album = "summer", Rating = 5, Favourite = true, Exposure = 0.125, Taken = Epoch, Embedding = Vectors.Unit(1, 0, 0, 0) },
        new() { Id = 2, Album = "summer", Rating = 3, Favourite = false, Exposure = -1.5, Taken = Epoch.AddDays(1), Embedding = Vectors.Unit(0.9f, 0.1f, 0, 0) },
        new() { Id = 3, Album = "winter", Rating = null, Favourite = true, Exposure = 2, Taken = Epoch.AddDays(2), Embedding = Vectors.Unit(0.7f, 0.7f, 0, 0) },
        new() { Id = 4, Album = "winter", Rating = 5, Favourite = false, Exposure = 0, Taken = null, Embedding = Vectors.Unit(0, 1, 0, 0) },
        new() { Id = 5, Album = null, Rating = 1, Favourite = false, Exposure = 1e-7, Taken = Epoch.AddDays(3), Embedding = Vectors.Unit(0, 0, 1, 0) },
    ];

    [Fact]
    public async Task Upserted_records_read_back_with_every_data_type_and_a_normalised_vector()
    {
        using var store = Store();
        var photos = store.GetCollection<long, Photo>("photos");
        await photos.EnsureCollectionExistsAsync();
        var source = Photos();
        source[1].Embedding = new float[] { 9, 1, 0, 0 }; // not unit length: stored normalised, cosine is unchanged
        await photos.UpsertAsync(source);

        foreach (var expected in source)
        {
            var got = await photos.GetAsync(expected.Id);
            Assert.NotNull(got);
            Assert.Equal((expected.Id, expected.Album, expected.Rating, expected.Favourite, expected.Exposure, expected.Taken),
                (got.Id, got.Album, got.Rating, got.Favourite, got.Exposure, got.Taken));
            Assert.True(got.Embedding.IsEmpty, "vectors are left out unless asked for");
        }
        var withVector = await photos.GetAsync(2, new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal(Vectors.Unit(9, 1, 0, 0), withVector!.Embedding.ToArray(), new FloatTolerance(1e-6f));
        Assert.Null(await photos.GetAsync(42));
    }

    [Fact]
    public async Task Batch_get_returns_the_records_that_exist_and_batch_delete_removes_them()
    {
        using var store = Store();
        var photos = store.GetCollection<long, Photo>("photos");
        await photos.UpsertAsync(Photos());

        var got = await photos.GetAsync([5L, 42L, 1L]).ToListAsync();
        Assert.Equal([1L, 5L], got.Select(p => p.Id).Order());

        await photos.DeleteAsync([1L, 5L, 42L]);
        await photos.DeleteAsync(3L);
        Assert.Equal([2L, 4L], (await photos.GetAsync(_ => true, 10).ToListAsync()).Select(p => p.Id).Order());
    }

    [Fact]
    public async Task An_upsert_replaces_the_record_with_the_same_key()
    {
        using var store = Store();
        var photos = store.GetCollection<long, Photo>("photos");
        await photos.UpsertAsync(Photos());
        await photos.UpsertAsync(new Photo { Id = 4, Album = "spring", Embedding = Vectors.Unit(1, 0, 0, 0) });

        var replaced = await photos.GetAsync(4);
        Assert.Equal(("spring", (int?)null), (replaced!.Album, replaced.Rating));
        var top = await photos.SearchAsync(Vectors.Unit(1, 0, 0, 0), 2).ToListAsync();
        Assert.Equal([1L, 4L], top.Select(r => r.Record.Id).Order());
        Assert.Equal(5, (await photos.GetAsync(_ => true, 100).ToListAsync()).Count);
    }

    [Fact]
    public async Task Search_returns_the_nearest_by_cosine_similarity_with_top_skip_threshold_and_vectors()
    {
        using var store = Store();
        var photos = store.GetCollection<long, Photo>("photos");
        var source = Photos();
        await photos.UpsertAsync(source);
        var query = Vectors.Unit(1, 0.2f, 0, 0);
        var expected = source.OrderByDescending(p => Vectors.Cosine(query, p.Embedding.Span)).ToArray();

        var all = await photos.SearchAsync(query, 5).ToListAsync();
        Assert.Equal(expected.Select(p => p.Id), all.Select(r => r.Record.Id));
        for (var i = 0; i < all.Count; i++)
        {
            Assert.Equal(Vectors.Cosine(query, expected[i].Embedding.Span), all[i].Score!.Value, 1e-5);
            Assert.True(all[i].Record.Embedding.IsEmpty);
        }

        var page = await photos.SearchAsync(query, 2, new VectorSearchOptions<Photo> { Skip = 1 }).ToListAsync();
        Assert.Equal(expected.Skip(1).Take(2).Select(p => p.Id), page.Select(r => r.Record.Id));

        var threshold = (all[1].Score!.Value + all[2].Score!.Value) / 2;
        var good = await photos.SearchAsync(query, 5, new VectorSearchOptions<Photo> { ScoreThreshold = threshold }).ToListAsync();
        Assert.Equal(expected.Take(2).Select(p => p.Id), good.Select(r => r.Record.Id));

        var withVectors = await photos.SearchAsync(query, 1, new VectorSearchOptions<Photo> { IncludeVectors = true }).SingleAsync();
        Assert.Equal(expected[0].Embedding.ToArray(), withVectors.Record.Embedding.ToArray(), new FloatTolerance(1e-6f));

        // float[] and Embedding<float> are search values too.
        Assert.Equal(expected[0].Id, (await photos.SearchAsync(query.ToArray(), 1).SingleAsync()).Record.Id);
        Assert.Equal(expected[0].Id, (await photos.SearchAsync(new Microsoft.Extensions.AI.Embedding<float>(query), 1).SingleAsync()).Record.Id);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_problem_named()
    {
        using var store = Store();
        var photos = store.GetCollection<long, Photo>("photos");
        await photos.UpsertAsync(Photos());

        var wrongDimension = await Assert.ThrowsAsync<ArgumentException>(() => photos.UpsertAsync(new Photo { Id = 9, Embedding = new float[3] { 1, 0, 0 } }));
        Assert.Contains("dimension 4", wrongDimension.Message, StringComparison.Ordinal);
        var zero = await Assert.ThrowsAsync<ArgumentException>(() => photos.UpsertAsync(new Photo { Id = 9, Embedding = new float[4] }));
        Assert.Contains("'9'", zero.Message, StringComparison.Ordinal);
        var nan = await Assert.ThrowsAsync<ArgumentException>(() => photos.UpsertAsync([new Photo { Id = 10, Embedding = Vectors.Unit(1, 0, 0, 0) }, new Photo { Id = 11, Embedding = new[] { 1, float.NaN, 0, 0 } }]));
        Assert.Contains("non-finite", nan.Message, StringComparison.Ordinal);
        Assert.Null(await photos.GetAsync(10)); // nothing of a refused batch is written

        var text = await Assert.ThrowsAsync<NotSupportedException>(() => photos.SearchAsync("a red circle", 1).ToListAsync().AsTask());
        Assert.Contains("IEmbeddingGenerator<String, Embedding<float>>", text.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => photos.SearchAsync(Vectors.Unit(1, 0, 0, 0), 0).ToListAsync().AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => photos.SearchAsync(Vectors.Unit(1, 0, 0, 0), 10, new VectorSearchOptions<Photo> { Skip = ImageStoreSearchOptions.MaxK }).ToListAsync().AsTask());

        var distance = Assert.Throws<NotSupportedException>(() => store.GetCollection<long, EuclideanRecord>("euclid"));
        Assert.Contains(DistanceFunction.EuclideanDistance, distance.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => store.GetCollection<long, Photo>("../escape"));
        Assert.Throws<NotSupportedException>(() => store.GetCollection<int, IntKeyRecord>("ints"));
    }

    [Fact]
    public async Task Collections_are_created_listed_kept_in_their_folders_and_deleted()
    {
        using (var store = Store())
        {
            var photos = store.GetCollection<long, Photo>("photos");
            Assert.False(await photos.CollectionExistsAsync());
            await photos.EnsureCollectionExistsAsync();
            Assert.True(await photos.CollectionExistsAsync());
            Assert.True(File.Exists(Path.Combine(_root, "photos", "manifest.json")));
            await photos.UpsertAsync(Photos());
            await store.GetCollection<long, Photo>("other").EnsureCollectionExistsAsync();
            Assert.Equal(["other", "photos"], (await store.ListCollectionNamesAsync().ToListAsync()).Order(StringComparer.Ordinal));
        }
        using (var reopened = Store())
        {
            // Every upsert was saved (FlushAfterEachWrite): a new process finds the records.
            var photos = reopened.GetCollection<long, Photo>("photos");
            Assert.True(await photos.CollectionExistsAsync());
            Assert.Equal("winter", (await photos.GetAsync(3))!.Album);
            await photos.EnsureCollectionDeletedAsync();
            Assert.False(await photos.CollectionExistsAsync());
            Assert.False(Directory.Exists(Path.Combine(_root, "photos")));
            Assert.Equal(["other"], await reopened.ListCollectionNamesAsync().ToListAsync());
            await reopened.EnsureCollectionDeletedAsync("never-made"); // deleting what is not there is no error
        }
    }

    [Fact]
    public async Task Without_flushing_each_write_nothing_reaches_the_folder_until_the_collection_is_ensured()
    {
        using (var store = Store(flush: false))
        {
            var photos = store.GetCollection<long, Photo>("photos");
            await photos.UpsertAsync(Photos());
            Assert.False(File.Exists(Path.Combine(_root, "photos", "manifest.json")));
            await photos.EnsureCollectionExistsAsync();
        }
        using var reopened = Store();
        Assert.Equal(5, (await reopened.GetCollection<long, Photo>("photos").GetAsync(_ => true, 10).ToListAsync()).Count);
    }

    [Fact]
    public async Task String_and_guid_keys_and_catalog_fields_round_trip()
    {
        using var store = Store();
        var images = store.GetCollection<string, IndexedImage>("images");
        var written = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        await images.UpsertAsync(new IndexedImage { Path = "/photos/a b/é.jpg", ContentHash = "abc", SizeBytes = 1234, LastWriteUtc = written, Caption = "x", Vector = Vectors.Unit(1, 2, 3, 4) });
        var got = await images.GetAsync("/photos/a b/é.jpg");
        Assert.Equal(("abc", 1234L, (DateTimeOffset?)written, "x"), (got!.ContentHash, got.SizeBytes, got.LastWriteUtc, got.Caption));

        // The catalog fields are the image record's own, not metadata: the store seam sees them.
        var seam = (IImageRecordStore)images.GetService(typeof(IImageRecordStore))!;
        var record = await seam.GetAsync("/photos/a b/é.jpg");
        Assert.Equal(("abc", 1234L, written.UtcDateTime), (record!.ContentHash, record.SizeBytes, record.LastWriteUtc!.Value));
        Assert.Equal(["Caption"], record.Metadata.Keys);

        var guid = Guid.NewGuid();
        var byGuid = store.GetCollection<Guid, GuidRecord>("guids");
        await byGuid.UpsertAsync(new GuidRecord { Id = guid, Name = "g", Vector = Vectors.Unit(0, 1, 0, 0) });
        Assert.Equal("g", (await byGuid.GetAsync(guid))!.Name);
        Assert.Equal(guid, (await byGuid.SearchAsync(Vectors.Unit(0, 1, 0, 0), 1).SingleAsync()).Record.Id);
    }

    [Fact]
    public async Task Dynamic_collections_read_a_definition_and_filter_by_name()
    {
        using var store = Store();
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(string)),
                new VectorStoreDataProperty("Album", typeof(string)),
                new VectorStoreDataProperty("Count", typeof(int)),
                new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), 3),
            ],
        };
        var dynamic = store.GetDynamicCollection("dynamic", definition);
        await dynamic.UpsertAsync(
        [
            new Dictionary<string, object?> { ["Key"] = "a", ["Album"] = "x", ["Count"] = 1, ["Vector"] = new ReadOnlyMemory<float>(Vectors.Unit(1, 0, 0)) },
            new Dictionary<string, object?> { ["Key"] = "b", ["Album"] = "y", ["Count"] = 2, ["Vector"] = new ReadOnlyMemory<float>(Vectors.Unit(0.9f, 0.1f, 0)) },
        ]);
        var hits = await dynamic.SearchAsync(new ReadOnlyMemory<float>(Vectors.Unit(1, 0, 0)), 5,
            new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => (string)r["Album"]! == "y" }).ToListAsync();
        var hit = Assert.Single(hits);
        Assert.Equal(("b", 2), ((string)hit.Record["Key"]!, (int)hit.Record["Count"]!));
    }

    public sealed class EuclideanRecord
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreVector(4, DistanceFunction = DistanceFunction.EuclideanDistance)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    public sealed class IntKeyRecord
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    public sealed class GuidRecord
    {
        [VectorStoreKey]
        public Guid Id { get; set; }

        [VectorStoreData]
        public string? Name { get; set; }

        [VectorStoreVector(4)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }
}

internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;

    public int GetHashCode(float obj) => 0;
}
