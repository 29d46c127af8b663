using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Tests.EndToEnd;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

public sealed class IndexBudgetOptionsTests
{
    [Fact]
    public async Task The_budget_binds_from_configuration_and_the_index_is_tuned_on_the_configured_texts_embeddings()
    {
        using var temp = new TempFolder();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes,
            ["ImageSearch:IndexPath"] = temp.Combine("index"),
            ["ImageSearch:IndexBudget:MemoryBytes"] = "1000000",
            ["ImageSearch:IndexBudget:TargetRecall"] = "0.9",
            ["ImageSearch:IndexBudget:RecallK"] = "5",
            ["ImageSearch:IndexTuningTexts:0"] = "a red circle",
            ["ImageSearch:IndexTuningTexts:1"] = "a blue square",
            ["ImageSearch:IndexTuningTexts:2"] = "a green triangle",
        }).Build();
        var services = new ServiceCollection();
        services.AddImageSearch(configuration.GetSection("ImageSearch"));
        using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<ImageSearchEngine>();

        var folder = temp.Combine("images");
        Directory.CreateDirectory(folder);
        foreach (var label in ShapeLabel.All.Take(30))
        {
            File.Copy(label.Path, Path.Combine(folder, Path.GetFileName(label.Path)));
        }
        await engine.IndexDirectoryAsync(folder);
        await engine.SaveAsync();

        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(temp.Combine("index", "manifest.json")));
        var choice = manifest.RootElement.GetProperty("choice");
        // 30 vectors of 64 floats fit the budget exactly searched; the three texts' embeddings were the tuning queries.
        Assert.Equal("Flat", choice.GetProperty("factoryString").GetString());
        Assert.Equal(1_000_000, choice.GetProperty("memoryBudgetBytes").GetInt64());
        Assert.Equal(0.9, choice.GetProperty("targetRecall").GetDouble());
        Assert.Equal(5, choice.GetProperty("recallK").GetInt32());
        Assert.Equal("queries", choice.GetProperty("querySource").GetString());
        Assert.Equal(3, choice.GetProperty("queryCount").GetInt32());
        Assert.Equal(1.0, choice.GetProperty("recall").GetDouble());
    }

    [Fact]
    public void A_bad_budget_from_configuration_is_refused_naming_the_key()
    {
        var options = new ImageSearchOptions { ClipModelPath = "x", IndexBudget = new IndexBudget { TargetRecall = 2 } };
        var e = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("ImageSearchOptions.IndexBudget.TargetRecall must be between 0 and 1", e.Message);
    }
}
