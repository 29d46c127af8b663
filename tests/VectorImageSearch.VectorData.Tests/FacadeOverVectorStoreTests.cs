using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using VectorImageSearch.Faiss;
using VectorImageSearch.Postgres;
using VectorImageSearch.Postgres.Tests;
using VectorImageSearch.Tests.Shared;
using VectorImageSearch.VectorData.Adapter;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>
/// AddImageSearch().UseVectorStore(…) end to end with the demo CLIP model and the bundled shapes: incremental indexing,
/// text and image searches and filters through a Microsoft.Extensions.VectorData collection, checked against the same
/// run on the FAISS folder store. The collection is a FaissVectorStore's or a PostgresVectorStore's (a real server).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FacadeOverVectorStoreTests(PostgresServer server) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("vis-vectordata-facade-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static IReadOnlyList<string> Shapes => SampleShapes.Files;

    private string CopyShapes(int count, string name = "images") => SampleShapes.CopyFirst(count, Path.Combine(_temp, name));

    private VectorStore NewVectorStore(string backend) => backend switch
    {
        "faiss" => new FaissVectorStore(new FaissImageStoreOptions { Path = Path.Combine(_temp, "collections"), IndexSpec = "Flat" }),
        _ => new PostgresVectorStore(new PostgresImageStoreOptions
        {
            ConnectionString = server.ConnectionString,
            Schema = "vectordata_facade",
            DefaultSearch = new PgvectorSearchParameters { Exact = true },
        }),
    };

    private static ServiceProvider Search(VectorStore vectorStore, string collection)
    {
        var services = new ServiceCollection();
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseVectorStore(vectorStore, collection);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("faiss")]
    [InlineData("postgres")]
    public async Task Incremental_indexing_and_searches_run_on_a_vector_store_collection(string backend)
    {
        var folder = CopyShapes(40);
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        var collection = "f_" + Guid.NewGuid().ToString("N");
        using var vectorStore = NewVectorStore(backend);
        using var provider = Search(vectorStore, collection);
        var search = provider.GetRequiredService<IImageSearch>();
        Assert.IsType<VectorStoreImageRecordStore>(provider.GetRequiredService<IImageRecordStore>());

        var first = await search.IndexDirectoryAsync(folder);
        Assert.Equal((40, 0, 0), (first.Encoded, first.Unchanged, first.Removed));
        Assert.Empty(first.Failures);
        Assert.True(await vectorStore.CollectionExistsAsync(collection));

        File.Delete(files[0]);
        File.Copy(Shapes[100], files[2], overwrite: true);                // changed content
        File.SetLastWriteTimeUtc(files[3], DateTime.UtcNow.AddMinutes(1)); // touched, same content
        var second = await search.IndexDirectoryAsync(folder);
        Assert.Equal((1, 38, 1), (second.Encoded, second.Unchanged, second.Removed));
        Assert.Equal(39, search.Count);

        // A second application (a new container) finds the same collection and skips every file.
        using (var other = Search(vectorStore, collection))
        {
            var again = await other.GetRequiredService<IImageSearch>().IndexDirectoryAsync(folder);
            Assert.Equal((0, 39), (again.Encoded, again.Unchanged));
        }

        // The same searches as on the FAISS folder store.
        var services = new ServiceCollection();
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseFaiss("Flat");
        using var faiss = services.BuildServiceProvider();
        var reference = faiss.GetRequiredService<IImageSearch>();
        await reference.IndexDirectoryAsync(folder);
        foreach (var text in new[] { "a red circle", "a blue star", "a yellow square" })
        {
            var got = await search.SearchAsync(text, k: 5);
            var want = await reference.SearchAsync(text, k: 5);
            Assert.Equal(want.Select(h => h.Key), got.Select(h => h.Key));
            Assert.Equal(want.Select(h => h.Score), got.Select(h => h.Score), (a, b) => Math.Abs(a - b) < 1e-4f);
        }
        var changed = await search.SearchAsync(ImageInput.FromFile(Shapes[100]), k: 1);
        Assert.Equal((files[2], 1f), (changed[0].Key, MathF.Round(changed[0].Score, 3)));
        var all = await search.SearchAsync(ImageInput.FromFile(Shapes[0]), k: 100);
        Assert.Equal(39, all.Count);
        Assert.DoesNotContain(all, h => h.Key == files[0]);
    }

    [Theory]
    [InlineData("faiss")]
    [InlineData("postgres")]
    public async Task Filters_and_thresholds_of_a_query_hold_on_a_vector_store_collection(string backend)
    {
        var reds = CopyShapes(30, Path.Combine("photos", "a"));
        CopyShapes(30, Path.Combine("photos", "b"));
        var photos = Path.Combine(_temp, "photos");
        using var vectorStore = NewVectorStore(backend);
        using var provider = Search(vectorStore, "q_" + Guid.NewGuid().ToString("N"));
        var search = provider.GetRequiredService<IImageSearch>();
        await search.IndexDirectoryAsync(photos);

        var prefix = reds + Path.DirectorySeparatorChar;
        var query = ImageQuery.ForText("a red circle") with { K = 50, Filter = new ImageRecordFilter { KeyPrefix = prefix } };
        var hits = await search.SearchAsync(query);
        Assert.Equal(30, hits.Count);
        Assert.All(hits, h => Assert.StartsWith(prefix, h.Key, StringComparison.Ordinal));

        // A filter that only the farthest images pass: the adapter asks the collection for more until it has k.
        var farthest = (await search.SearchAsync("a red circle", k: 60)).TakeLast(3).Select(h => h.Key).ToHashSet();
        var few = await search.SearchAsync(ImageQuery.ForText("a red circle") with
        {
            K = 3,
            Filter = new ImageRecordFilter { ModifiedFromUtc = DateTime.UtcNow.AddDays(1) },
        });
        Assert.Empty(few);
        foreach (var key in farthest)
        {
            File.SetLastWriteTimeUtc(key, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }
        await search.IndexDirectoryAsync(photos);
        var late = await search.SearchAsync(ImageQuery.ForText("a red circle") with
        {
            K = 3,
            Filter = new ImageRecordFilter { ModifiedFromUtc = new DateTime(2029, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        });
        Assert.Equal(farthest.Order(StringComparer.Ordinal), late.Select(h => h.Key).Order(StringComparer.Ordinal));

        var best = await search.SearchAsync("a red circle", k: 10);
        var threshold = (best[3].Score + best[4].Score) / 2;
        var above = await search.SearchAsync(ImageQuery.ForText("a red circle") with { K = 10, MinScore = threshold });
        Assert.Equal(best.Take(4).Select(h => h.Key), above.Select(h => h.Key));
    }
}
