using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VectorImageSearch.Samples.Cli;

/// <summary>Builds an <see cref="IImageSearch"/> the way an application would, through AddImageSearch.</summary>
internal sealed class SearchEngineHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SearchEngineHost(ServiceProvider provider, IImageSearch search)
    {
        _provider = provider;
        Search = search;
    }

    /// <summary>The search.</summary>
    public IImageSearch Search { get; }

    /// <summary>Creates the engine for <paramref name="settings"/> over <paramref name="indexFolder"/>.</summary>
    public static SearchEngineHost Create(CliIndexSettings settings, string indexFolder, bool verbose)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error));
        services.AddImageSearch(o => settings.Apply(o, indexFolder));
        var provider = services.BuildServiceProvider();
        try
        {
            return new SearchEngineHost(provider, provider.GetRequiredService<IImageSearch>());
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
