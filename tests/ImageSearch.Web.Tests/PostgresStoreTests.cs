using VectorImageSearch.Postgres.Tests;
using VectorImageSearch.Samples.Web.Api;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>The same page and API on a PostgreSQL store, chosen by configuration alone (ImageSearch:Store).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server)
{
    [Fact]
    public async Task The_sample_indexes_into_and_searches_a_postgres_collection_chosen_by_configuration()
    {
        var collection = "web_" + Guid.NewGuid().ToString("N")[..12];
        await using var factory = new SearchWebFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:Store"] = "Postgres",
            ["ImageSearch:Postgres:ConnectionString"] = server.ConnectionString,
            ["ImageSearch:Postgres:Collection"] = collection,
        });
        await factory.WaitForStartupIndexingAsync();
        using var client = factory.CreateApiClient();

        var status = await (await client.GetAsync("/api/status")).ReadOkAsync<StatusResponse>();
        var text = await client.SearchAsync("/api/search?q=a%20red%20circle&k=5");
        var image = await client.SearchImageAsync(await File.ReadAllBytesAsync(TestImages.Shape("0050_red_circle.png")), "0050_red_circle.png", "?k=3");

        Assert.Equal("postgres", status.Store);
        Assert.Equal(720, status.Count);
        Assert.Equal((object)720L, await server.ScalarAsync($"SELECT count(*) FROM vector_image_search.{collection}"));
        Assert.All(text.Hits, h => Assert.EndsWith("_red_circle.png", h.FileName, StringComparison.Ordinal));
        Assert.Equal("0050_red_circle.png", image.Hits[0].FileName);
        Assert.Equal(1.0, image.Hits[0].Score, 3);
        Assert.False(Directory.Exists(Path.Combine(factory.Root, "index")), "a Postgres store writes no FAISS index folder");
    }
}
