using System.Text.Json;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>The sample CLI (samples/ImageSearch.Cli, <c>vis</c>) switched to PostgreSQL by <c>--store postgres</c> alone.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliPostgresTests(PostgresServer server) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("vis-pg-cli-").FullName;
    private readonly string _collection = "cli_" + Guid.NewGuid().ToString("N");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task Vis_index_and_search_with_store_postgres_keep_the_records_in_the_collection()
    {
        var images = Path.Combine(_temp, "images");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images")).Order(StringComparer.Ordinal).Take(30))
        {
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        }
        var index = Path.Combine(_temp, "index");

        var (code, output) = await VisAsync("index", images, "--model", RepoPaths.ClipTinyShapes, "--index", index, "--store", "postgres", "--collection", _collection);
        Assert.True(code == 0, output);
        Assert.Equal(30L, await server.ScalarAsync($"SELECT count(*) FROM vector_image_search.{_collection}"));
        Assert.False(File.Exists(Path.Combine(index, "manifest.json")), "the FAISS index folder was written");

        // The second run and the search need only --index: vis-cli.json remembers the store and the collection.
        (code, output) = await VisAsync("index", images, "--index", index);
        Assert.True(code == 0, output);
        Assert.Contains("Indexed 0 images", output, StringComparison.Ordinal);
        (code, output) = await VisAsync("search", "a red circle", "--index", index, "-k", "3", "--json");
        Assert.True(code == 0, output);
        var hits = JsonDocument.Parse(output).RootElement.EnumerateArray().Select(h => h.GetProperty("key").GetString()!).ToList();
        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.StartsWith(images, h, StringComparison.Ordinal));

        (code, output) = await VisAsync(false, "search", "a red circle", "--index", index);
        Assert.Equal(2, code);
        Assert.Contains("VIS_POSTGRES_CONNECTION", output, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output)> VisAsync(params string[] arguments) => VisAsync(true, arguments);

    private async Task<(int Code, string Output)> VisAsync(bool withConnection, params string[] arguments)
    {
        var (code, output, error) = await VisCli.RunAsync(arguments, new Dictionary<string, string?> { ["VIS_POSTGRES_CONNECTION"] = withConnection ? server.ConnectionString : null });
        return (code, output + error);
    }
}
