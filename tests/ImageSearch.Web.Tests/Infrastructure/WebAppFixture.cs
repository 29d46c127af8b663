namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>One server with the 720 shapes indexed, shared by a collection; the rate limits are raised for the tests' one client.</summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public SearchWebFactory Factory { get; } = new(new Dictionary<string, string?>
    {
        ["ImageSearchWeb:RateLimit:PermitLimit"] = "100000",
        ["ImageSearchWeb:RateLimit:ThumbnailPermitLimit"] = "100000",
    });

    /// <summary>A client of the server.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Factory.WaitForStartupIndexingAsync();
        Client = Factory.CreateApiClient();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
