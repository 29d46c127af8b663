namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>The API tests share one indexed server.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<WebAppFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "api";
}

/// <summary>The browser tests share another server and one headless chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<WebAppFixture>, ICollectionFixture<BrowserFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "browser";
}
