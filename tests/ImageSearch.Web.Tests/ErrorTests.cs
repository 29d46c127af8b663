using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>A server error is problem+json without a stack trace, in Development as in Production.</summary>
[Collection(ApiCollection.Name)]
public sealed class ErrorTests
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task A_server_error_has_no_stack_trace_in_any_environment(string environment)
    {
        var missingModel = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));
        await using var factory = new SearchWebFactory(new Dictionary<string, string?>
        {
            ["ImageSearchWeb:IndexOnStartup"] = "false",
            ["ImageSearch:ClipModelPath"] = missingModel,
        }, environment);
        using var client = factory.CreateApiClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html"); // as a browser would ask: still no developer page
        using var response = await client.GetAsync("/api/search?q=a%20red%20circle");
        var detail = await response.AssertProblemAsync(500);
        Assert.Contains("trace id", detail, StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Contains(json.RootElement.GetProperty("traceId").GetString()!, detail, StringComparison.Ordinal); // one id to find in the log
        Assert.DoesNotContain(missingModel, body, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
    }
}
