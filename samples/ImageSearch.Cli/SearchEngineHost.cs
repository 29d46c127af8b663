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

    /// <summary>
    /// Creates the engine for <paramref name="settings"/> over <paramref name="indexFolder"/>, or over the PostgreSQL
    /// collection they name (through <paramref name="connection"/>).
    /// </summary>
    public static SearchEngineHost Create(CliIndexSettings settings, string indexFolder, bool verbose, string? connection = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error));
        var builder = services.AddImageSearch().Configure(o => settings.Apply(o, indexFolder));
        if (settings.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new ArgumentException(
                    $"The store is PostgreSQL: give its connection string with --connection or the environment variable {StoreOptions.ConnectionVariable}.");
            }
            builder.UsePostgres(connection, o => o.Collection = settings.Collection ?? StoreOptions.DefaultCollection);
        }
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
