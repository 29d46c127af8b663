using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>The text search's refinements: minScore, not, folder and dedup, and their 400s.</summary>
[Collection(ApiCollection.Name)]
public sealed class RefinedSearchApiTests(WebAppFixture app)
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Not_circle_removes_the_circles_a_plain_search_finds()
    {
        var plain = await _client.SearchAsync("/api/search?q=a%20blue%20shape&k=10");
        var refined = await _client.SearchAsync("/api/search?q=a%20blue%20shape&k=10&not=a%20circle");

        Assert.Contains(plain.Hits, h => h.FileName.EndsWith("_circle.png", StringComparison.Ordinal));
        Assert.Equal(10, refined.Hits.Count);
        Assert.DoesNotContain(refined.Hits, h => h.FileName.EndsWith("_circle.png", StringComparison.Ordinal));
        Assert.True(refined.Hits.Count(h => h.FileName.Contains("_blue_", StringComparison.Ordinal)) >= 9);
    }

    [Fact]
    public async Task MinScore_cuts_the_hits_at_the_threshold()
    {
        var plain = await _client.SearchAsync("/api/search?q=a%20green%20star&k=40");
        var least = (plain.Hits[4].Score + plain.Hits[5].Score) / 2;
        var cut = await _client.SearchAsync(FormattableString.Invariant($"/api/search?q=a%20green%20star&k=40&minScore={least}"));

        Assert.Equal(plain.Hits.Take(5).Select(h => h.Id), cut.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Dedup_drops_hits_similar_to_better_ones_and_keeps_k()
    {
        var plain = await _client.SearchAsync("/api/search?q=a%20red%20heart&k=10");
        var loose = await _client.SearchAsync("/api/search?q=a%20red%20heart&k=10&dedup=0.5");
        var strict = await _client.SearchAsync("/api/search?q=a%20red%20heart&k=10&dedup=true");

        Assert.Equal(10, plain.Hits.Count);
        // At 0.5 most red hearts are duplicates of the first: the list fills with other shapes instead.
        Assert.Equal(10, loose.Hits.Count);
        Assert.Equal(plain.Hits[0].Id, loose.Hits[0].Id);
        Assert.True(loose.Hits.Count(h => h.FileName.EndsWith("_red_heart.png", StringComparison.Ordinal))
            < plain.Hits.Count(h => h.FileName.EndsWith("_red_heart.png", StringComparison.Ordinal)));
        Assert.Equal(10, strict.Hits.Count);
        Assert.Equal(loose.Hits.Count, loose.Hits.Select(h => h.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("minScore=2", "minScore")]
    [InlineData("minScore=abc", null)]
    [InlineData("dedup=0", "dedup")]
    [InlineData("dedup=maybe", "dedup")]
    [InlineData("not=%20", "not")]
    [InlineData("folder=..", "folder")]
    [InlineData("folder=%2Fetc", "folder")]
    [InlineData("folder=no-such-folder", "folder")]
    public async Task Bad_refinements_are_a_400(string parameter, string? named)
    {
        var response = await _client.GetAsync($"/api/search?q=a%20red%20circle&{parameter}");
        var detail = await response.AssertProblemAsync(400);
        if (named is not null)
        {
            Assert.Contains(named, detail, StringComparison.Ordinal);
        }
    }
}
