using System.Text.Json;
using VectorImageSearch.Tests.Shared;

namespace ImageSearch.Cli.Tests;

/// <summary><c>vis index</c>, <c>search</c>, <c>duplicates</c> and <c>info</c> on the FAISS store: outputs and exit codes.</summary>
public sealed class VisCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("vc").FullName;
    private readonly string _images;
    private readonly string _index;

    public VisCommandTests()
    {
        _images = Path.Combine(_temp, "img");
        _index = Path.Combine(_temp, "idx");
        Directory.CreateDirectory(_images);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images")).Order(StringComparer.Ordinal).Take(60))
        {
            File.Copy(file, Path.Combine(_images, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private Task<(int Code, string Output, string Error)> IndexAsync() =>
        VisCli.RunAsync("index", _images, "--model", RepoPaths.ClipTinyShapes, "--index", _index);

    [Fact]
    public async Task Index_lists_the_files_it_could_not_read_exits_3_and_keeps_the_good_ones()
    {
        File.WriteAllBytes(Path.Combine(_images, "empty.png"), []);
        File.WriteAllText(Path.Combine(_images, "text.jpg"), "not a JPEG");

        var (code, output, error) = await IndexAsync();

        Assert.True(code == 3, output + error);
        Assert.Contains("Indexed 60 images", output, StringComparison.Ordinal);
        Assert.Contains("2 failed", output, StringComparison.Ordinal);
        Assert.Contains("empty.png", output, StringComparison.Ordinal);
        Assert.Contains("0 bytes", output, StringComparison.Ordinal);
        Assert.Contains("text.jpg", output, StringComparison.Ordinal);
        (code, output, error) = await VisCli.RunAsync("info", "--index", _index);
        Assert.True(code == 0, output + error);
        Assert.Matches(@"images\s*│\s*60\s", output);
    }

    [Fact]
    public async Task A_second_index_run_encodes_nothing_and_picks_up_a_new_file()
    {
        var (code, output, error) = await IndexAsync();
        Assert.True(code == 0, output + error);
        File.Copy(Path.Combine(RepoPaths.Shapes, "images", "0100_orange_star.png"), Path.Combine(_images, "new.png"));

        (code, output, error) = await VisCli.RunAsync("index", _images, "--index", _index);

        Assert.True(code == 0, output + error);
        Assert.Contains("Indexed 1 images", output, StringComparison.Ordinal);
        Assert.Contains("60 unchanged", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_by_text_prints_k_ranked_hits_as_json_and_the_first_is_a_red_circle()
    {
        var (code, output, error) = await IndexAsync();
        Assert.True(code == 0, output + error);

        (code, output, error) = await VisCli.RunAsync("search", "a red circle", "--index", _index, "-k", "4", "--json");

        Assert.True(code == 0, output + error);
        var hits = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4], hits.Select(h => h.GetProperty("rank").GetInt32()));
        var scores = hits.Select(h => h.GetProperty("score").GetSingle()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.EndsWith("_red_circle.png", hits[0].GetProperty("key").GetString(), StringComparison.Ordinal);
        Assert.All(hits, h => Assert.StartsWith(_images, h.GetProperty("key").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_by_image_finds_that_image_first_and_writes_the_gallery()
    {
        var (code, output, error) = await IndexAsync();
        Assert.True(code == 0, output + error);
        var query = Directory.GetFiles(_images).Order(StringComparer.Ordinal).ElementAt(7);
        var gallery = Path.Combine(_temp, "like.html");

        (code, output, error) = await VisCli.RunAsync("search", "--image", query, "--index", _index, "-k", "3", "--json", "--html", gallery);

        Assert.True(code == 0, output + error);
        var first = JsonDocument.Parse(output).RootElement[0];
        Assert.Equal(query, first.GetProperty("key").GetString());
        Assert.Equal(1.0, first.GetProperty("score").GetDouble(), 3);
        Assert.Contains(Path.GetFileName(query), File.ReadAllText(gallery), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicates_groups_a_file_and_its_copies_and_nothing_else()
    {
        var original = Directory.GetFiles(_images).Order(StringComparer.Ordinal).ElementAt(3);
        File.Copy(original, Path.Combine(_images, "copy1.png"));
        File.Copy(original, Path.Combine(_images, "copy2.png"));
        var (code, output, error) = await IndexAsync();
        Assert.True(code == 0, output + error);
        var gallery = Path.Combine(_temp, "groups.html");

        (code, output, error) = await VisCli.RunAsync("duplicates", "--index", _index, "--threshold", "0.999", "--html", gallery);

        Assert.True(code == 0, output + error);
        Assert.Contains("1 group", output, StringComparison.Ordinal);
        foreach (var name in new[] { Path.GetFileName(original), "copy1.png", "copy2.png" })
        {
            Assert.Contains(name, output, StringComparison.Ordinal);
        }
        var html = File.ReadAllText(gallery);
        Assert.Contains("Group 1: 3 images", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Group 2", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicates_as_json_lists_each_group_with_whole_keys_ranks_and_scores()
    {
        var files = Directory.GetFiles(_images).Order(StringComparer.Ordinal).ToList();
        var copies = new[] { Path.Combine(_images, "again-" + Path.GetFileName(files[10])), Path.Combine(_images, "again-" + Path.GetFileName(files[20])) };
        File.Copy(files[10], copies[0]);
        File.Copy(files[20], copies[1]);
        var (code, output, error) = await IndexAsync();
        Assert.True(code == 0, output + error);

        (code, output, error) = await VisCli.RunAsync("duplicates", "--index", _index, "--threshold", "0.999", "--json");

        Assert.True(code == 0, output + error);
        var groups = JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Select(g => g.EnumerateArray().Select(h => (Key: h.GetProperty("key").GetString()!, Rank: h.GetProperty("rank").GetInt32(), Score: h.GetProperty("score").GetSingle())).ToList())
            .ToList();
        Assert.Equal(
            new[] { new[] { copies[0], files[10] }, new[] { copies[1], files[20] } }.Select(g => string.Join("|", g.Order(StringComparer.Ordinal))),
            groups.Select(g => string.Join("|", g.Select(h => h.Key))).Order(StringComparer.Ordinal));
        Assert.All(groups, g => Assert.Equal([1, 2], g.Select(h => h.Rank)));
        Assert.All(groups.SelectMany(g => g), h => Assert.True(h.Score >= 0.999f, $"{h.Key}: {h.Score}"));
    }

    [Fact]
    public async Task Searching_a_folder_that_is_not_an_index_exits_2_and_says_to_run_index()
    {
        var (code, output, error) = await VisCli.RunAsync("search", "a red circle", "--index", Path.Combine(_temp, "nowhere"));

        Assert.Equal(2, code);
        Assert.Contains(Path.Combine(_temp, "nowhere"), output + error, StringComparison.Ordinal);
        Assert.Contains("vis index", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_folder_that_does_not_exist_exits_2_naming_it_and_writes_no_index()
    {
        var model = Path.Combine(_temp, "no-model");

        var (code, output, error) = await VisCli.RunAsync("index", _images, "--model", model, "--index", _index);

        Assert.Equal(2, code);
        Assert.Contains(model, output + error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_index) && Directory.EnumerateFileSystemEntries(_index).Any(), "an index was written");
    }

    [Fact]
    public async Task A_query_image_that_is_not_an_image_exits_2_naming_the_file()
    {
        var (code, output, error) = await IndexAsync();
        Assert.True(code == 0, output + error);
        var notAnImage = Path.Combine(_temp, "query.jpg");
        File.WriteAllText(notAnImage, "plain text");

        (code, output, error) = await VisCli.RunAsync("search", "--image", notAnImage, "--index", _index);

        Assert.Equal(2, code);
        Assert.Contains(notAnImage, output + error, StringComparison.Ordinal);
        Assert.Contains("not an image", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("search", "a red circle", "-k", "0")]
    [InlineData("search", "--json")]
    [InlineData("duplicates", "--threshold", "1.5")]
    public async Task A_wrong_command_line_exits_1_with_a_message(params string[] arguments)
    {
        var (code, output, error) = await VisCli.RunAsync([.. arguments, "--index", _index]);

        Assert.Equal(1, code);
        Assert.False(string.IsNullOrWhiteSpace(error), output);
    }
}
