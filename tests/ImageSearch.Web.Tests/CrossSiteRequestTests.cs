using System.Net;
using VectorImageSearch.Samples.Web.Services;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>
/// Cross-site request forgery: another site's page, open in the user's browser, must not start or cancel indexing or
/// post uploads to this server; reads and this server's own page (and non-browser clients) are unaffected.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CrossSiteRequestTests
{
    private static readonly Dictionary<string, string?> EmptyAtStart = new() { ["ImageSearchWeb:IndexOnStartup"] = "false" };

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task Another_site_cannot_start_indexing(string header, string value)
    {
        await using var factory = new SearchWebFactory(EmptyAtStart);
        using var client = factory.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/indexing");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await client.SendAsync(request);

        Assert.Contains("only this server's own page may change its state", await response.AssertProblemAsync(403), StringComparison.Ordinal);
        Assert.Equal(IndexingState.Idle, factory.Indexing.Status.State);
    }

    [Fact]
    public async Task Another_site_cannot_post_an_image_but_may_read()
    {
        await using var factory = new SearchWebFactory(EmptyAtStart);
        using var client = factory.CreateApiClient();
        var bytes = await File.ReadAllBytesAsync(TestImages.Shape("0050_red_circle.png"));
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/search/image") { Content = ApiJson.ImageForm(bytes, "a.png") };
        upload.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        await (await client.SendAsync(upload)).AssertProblemAsync(403);

        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        read.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        read.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(read)).StatusCode);
    }

    [Fact]
    public async Task This_servers_own_page_and_plain_clients_may_start_and_cancel_indexing()
    {
        await using var factory = new SearchWebFactory(EmptyAtStart);
        using var client = factory.CreateApiClient();
        using var start = new HttpRequestMessage(HttpMethod.Post, "/api/indexing");
        start.Headers.TryAddWithoutValidation("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        start.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(start)).StatusCode);

        using var cancel = await client.DeleteAsync("/api/indexing"); // no Origin: a program, not a browser tab
        Assert.True(cancel.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"cancel answered {cancel.StatusCode}");
        await factory.Indexing.Completion.WaitAsync(TimeSpan.FromMinutes(2));
    }
}
