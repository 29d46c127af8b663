using System.Net;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>A burst from one client gets 429; other clients are still served.</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_burst_from_one_client_gets_429_while_another_client_is_served()
    {
        await using var factory = new SearchWebFactory(new Dictionary<string, string?>
        {
            ["ImageSearchWeb:IndexOnStartup"] = "false",
            ["ImageSearchWeb:RateLimit:PermitLimit"] = "5",
            ["ImageSearchWeb:RateLimit:WindowSeconds"] = "60",
        });
        using var noisy = LoopbackClient.Create(factory.BaseAddress, 2);
        using var quiet = LoopbackClient.Create(factory.BaseAddress, 3);

        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await noisy.GetAsync("/api/status");
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                rejected ??= response;
            }
            else
            {
                response.Dispose();
            }
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], codes);
        Assert.NotNull(rejected);
        using (rejected)
        {
            await rejected.AssertProblemAsync(429);
            Assert.True(rejected.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        }

        using var other = await quiet.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
