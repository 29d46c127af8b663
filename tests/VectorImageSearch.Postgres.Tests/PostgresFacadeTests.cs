using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Faiss;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>
/// The image search facade on PostgreSQL, end to end: the demo CLIP model, the bundled shapes, a real server. Each test
/// has its own collection; the same runs on the FAISS folder store are the reference.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFacadeTests(PostgresServer server) : IDisposable
{
    private const string Schema = "facade";
    private readonly string _temp = Directory.CreateTempSubdirectory("vis-pg-facade-").FullName;
    private readonly string _collection = "f_" + Guid.NewGuid().ToString("N");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static IReadOnlyList<string> Shapes => SampleShapes.Files;

    private string CopyShapes(int count, string name = "images") => SampleShapes.CopyFirst(count, Path.Combine(_temp, name));

    private ServiceProvider Postgres(Action<IImageSearchBuilder>? model = null, bool exact = false)
    {
        var services = new ServiceCollection();
        var builder = services.AddImageSearch();
        if (model is null)
        {
            builder.AddClip(RepoPaths.ClipTinyShapes);
        }
        else
        {
            model(builder);
        }
        builder.UsePostgres(server.ConnectionString, o =>
        {
            o.Schema = Schema;
            o.Collection = _collection;
            if (exact)
            {
                o.DefaultSearch = new PgvectorSearchParameters { Exact = true };
            }
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Incremental_indexing_skips_unchanged_reencodes_changed_and_removes_deleted_files_as_on_the_folder_store()
    {
        var folder = CopyShapes(40);
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        // Exact searches: the test counts every hit, and an HNSW graph may miss a vector whatever its search depth.
        using var provider = Postgres(exact: true);
        var search = provider.GetRequiredService<IImageSearch>();
        Assert.IsType<PostgresImageRecordStore>(provider.GetRequiredService<IImageRecordStore>());

        var first = await search.IndexDirectoryAsync(folder);
        Assert.Equal((40, 0, 0), (first.Encoded, first.Unchanged, first.Removed));
        Assert.Empty(first.Failures);
        var again = await search.IndexDirectoryAsync(folder);
        Assert.Equal((0, 40, 0), (again.Encoded, again.Unchanged, again.Removed));

        File.Delete(files[0]);
        File.Copy(Shapes[100], files[2], overwrite: true);                // changed content
        File.SetLastWriteTimeUtc(files[3], DateTime.UtcNow.AddMinutes(1)); // touched, same content
        var second = await search.IndexDirectoryAsync(folder);

        Assert.Equal((1, 38, 1), (second.Encoded, second.Unchanged, second.Removed));
        Assert.Equal(39, search.Count);
        var changed = await search.SearchAsync(ImageInput.FromFile(Shapes[100]), k: 1);
        Assert.Equal(files[2], changed[0].Key);
        Assert.Equal(1f, changed[0].Score, 1e-3f);
        var all = await search.SearchAsync(ImageInput.FromFile(Shapes[0]), k: 100);
        Assert.Equal(39, all.Count);
        Assert.DoesNotContain(all, h => h.Key == files[0]);
        Assert.Equal(0, (await search.IndexDirectoryAsync(folder)).Encoded);

        // A second application (a new container: another process) sees the same collection and skips it all.
        using var other = Postgres();
        var report = await other.GetRequiredService<IImageSearch>().IndexDirectoryAsync(folder);
        Assert.Equal((0, 39), (report.Encoded, report.Unchanged));
    }

    [Fact]
    public async Task Text_and_image_searches_return_what_the_folder_store_returns()
    {
        var folder = CopyShapes(60);
        using var postgres = Postgres();
        var services = new ServiceCollection();
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseFaiss("Flat");
        using var faiss = services.BuildServiceProvider();
        var onPostgres = postgres.GetRequiredService<IImageSearch>();
        var onFaiss = faiss.GetRequiredService<IImageSearch>();
        await onPostgres.IndexDirectoryAsync(folder);
        await onFaiss.IndexDirectoryAsync(folder);

        foreach (var text in new[] { "a red circle", "a blue star", "a yellow square" })
        {
            var got = await onPostgres.SearchAsync(text, k: 5);
            var want = await onFaiss.SearchAsync(text, k: 5);
            Assert.Equal(want.Select(h => h.Key), got.Select(h => h.Key));
            Assert.Equal(want.Select(h => h.Score), got.Select(h => h.Score), (a, b) => Math.Abs(a - b) < 1e-4f);
        }
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => onPostgres.SearchAsync("a red circle", k: ImageStoreSearchOptions.MaxK + 1));
        var redCircle = await onPostgres.SearchAsync("a red circle", k: 1);
        Assert.Contains("red_circle", Path.GetFileName(redCircle[0].Key), StringComparison.Ordinal);
        var image = Path.Combine(folder, Path.GetFileName(Shapes[7]));
        var hits = await onPostgres.SearchAsync(ImageInput.FromFile(image), k: 3);
        Assert.Equal(image, hits[0].Key);
        Assert.Equal((await onFaiss.SearchAsync(ImageInput.FromFile(image), k: 3)).Select(h => h.Key), hits.Select(h => h.Key));
    }

    [Fact]
    public async Task A_collection_of_another_model_is_refused_with_the_store_compatibility_exception_as_on_the_folder_store()
    {
        var folder = CopyShapes(4);
        using (var clip = Postgres())
        {
            await clip.GetRequiredService<IImageSearch>().IndexDirectoryAsync(folder);
        }
        using var resnet = Postgres(b => b.AddImageEncoder(RepoPaths.ResNetTinyShapes));

        var error = await Assert.ThrowsAnyAsync<ImageStoreCompatibilityException>(() => resnet.GetRequiredService<IImageSearch>().IndexDirectoryAsync(folder));

        Assert.Contains(_collection, error.Location, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, error.Message, StringComparison.Ordinal);
        // The folder store refuses the same way: its IndexCompatibilityException is an ImageStoreCompatibilityException.
        var index = Path.Combine(_temp, "faiss-index");
        var services = new ServiceCollection();
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseFaiss("Flat", index);
        using (var faiss = services.BuildServiceProvider())
        {
            var search = faiss.GetRequiredService<IImageSearch>();
            await search.IndexDirectoryAsync(folder);
            await search.SaveAsync();
        }
        var other = new ServiceCollection();
        other.AddImageSearch().AddImageEncoder(RepoPaths.ResNetTinyShapes).UseFaiss("Flat", index);
        using var faissResnet = other.BuildServiceProvider();
        var faissError = await Assert.ThrowsAnyAsync<ImageStoreCompatibilityException>(() => faissResnet.GetRequiredService<IImageSearch>().IndexDirectoryAsync(folder));
        Assert.IsAssignableFrom<ImageStoreCompatibilityException>(faissError);
    }

    [Theory]
    [InlineData("Postgres", typeof(PostgresImageRecordStore))]
    [InlineData("postgres", typeof(PostgresImageRecordStore))]
    [InlineData("Faiss", typeof(FaissImageStore))]
    public async Task Configuration_alone_switches_the_store(string store, Type expected)
    {
        var folder = CopyShapes(6);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes,
            ["ImageSearch:Store"] = store,
            ["ImageSearch:Index"] = "Flat",
            ["ImageSearch:Postgres:ConnectionString"] = server.ConnectionString,
            ["ImageSearch:Postgres:Schema"] = Schema,
            ["ImageSearch:Postgres:Collection"] = _collection,
            ["ImageSearch:Postgres:Index:Kind"] = "IvfFlat",
            ["ImageSearch:Postgres:Index:Lists"] = "2",
            ["ImageSearch:Postgres:DefaultSearch:Probes"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddImageSearch(configuration.GetSection("ImageSearch")).AddPostgresStoreKind();
        using var provider = services.BuildServiceProvider();

        var search = provider.GetRequiredService<IImageSearch>();
        Assert.IsType(expected, provider.GetRequiredService<IImageRecordStore>());
        Assert.Equal(6, (await search.IndexDirectoryAsync(folder)).Encoded);
        Assert.Equal(6, (await search.SearchAsync("a red circle", k: 10)).Count);
        if (expected == typeof(PostgresImageRecordStore))
        {
            // The Index sub-section was read: the collection was created as IVFFlat with 2 lists.
            var kind = await server.ScalarAsync($"SELECT index_kind FROM {Schema}.vis_collections WHERE name = '{_collection}'");
            Assert.Equal("IvfFlat", kind);
        }
    }

    [Fact]
    public void A_Postgres_section_without_a_connection_string_or_with_a_bad_collection_is_refused_naming_the_key()
    {
        foreach (var (key, value, needle) in new[]
        {
            ("ImageSearch:Postgres:Collection", "images", "ImageSearch:Postgres:ConnectionString"),
            ("ImageSearch:Postgres:ConnectionString", "Host=127.0.0.1", "Collection"),
        })
        {
            var settings = new Dictionary<string, string?> { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes, ["ImageSearch:Store"] = "Postgres", [key] = value };
            if (key.EndsWith("ConnectionString", StringComparison.Ordinal))
            {
                settings["ImageSearch:Postgres:Collection"] = "bad name; DROP TABLE x";
            }
            var services = new ServiceCollection();
            services.AddImageSearch(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("ImageSearch")).AddPostgresStoreKind();
            using var provider = services.BuildServiceProvider();
            var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageRecordStore>());
            Assert.Contains("ImageSearch:Postgres", error.Message, StringComparison.Ordinal);
            Assert.Contains(needle, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_container_disposed_synchronously_disposes_the_store()
    {
        using var provider = Postgres();
        var store = provider.GetRequiredService<IImageRecordStore>();
        await store.OpenAsync("dispose-test", 4);
        Assert.Equal(0, await store.CountAsync());

        provider.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CountAsync());
    }
}
