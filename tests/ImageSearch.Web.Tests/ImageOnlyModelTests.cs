using VectorImageSearch.Samples.Web.Api;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>Any model from configuration: an image-only model (the demo ResNet-style CNN) searches by image, and says no to text.</summary>
[Collection(ApiCollection.Name)]
public sealed class ImageOnlyModelTests
{
    [Fact]
    public async Task An_image_only_model_searches_by_image_and_refuses_text_with_400()
    {
        await using var factory = new SearchWebFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:ClipModelPath"] = "",
            ["ImageSearch:ImageModelPath"] = RepoPaths.ResNetTinyShapes,
            ["ImageSearch:ImageModelPreset"] = "ResNet50",
        });
        await factory.WaitForStartupIndexingAsync();
        using var client = factory.CreateApiClient();

        var status = await (await client.GetAsync("/api/status")).ReadOkAsync<StatusResponse>();
        Assert.Equal("resnet-tiny-shapes", status.Model);
        Assert.False(status.TextSearch);
        Assert.Equal(720, status.Count);

        using var text = await client.GetAsync("/api/search?q=a%20red%20circle");
        Assert.Contains("embeds images only", await text.AssertProblemAsync(400), StringComparison.Ordinal);

        var result = await client.SearchImageAsync(await File.ReadAllBytesAsync(TestImages.Shape("0050_red_circle.png")), "0050_red_circle.png", "?k=3");
        Assert.Equal("0050_red_circle.png", result.Hits[0].FileName);
        Assert.Equal(1.0, result.Hits[0].Score, 3);
    }
}
