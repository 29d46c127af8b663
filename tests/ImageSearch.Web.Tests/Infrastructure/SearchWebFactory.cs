using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>
/// The web sample on a real Kestrel server at 127.0.0.1, port 0 (browsers and distinct client addresses need real
/// sockets), on the bundled demo model and shapes, with its index and thumbnails in a temporary folder.
/// </summary>
public sealed class SearchWebFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;

    /// <summary>Creates the factory; <paramref name="settings"/> override appsettings.json (keys like "ImageSearchWeb:MaxUploadBytes").</summary>
    public SearchWebFactory(IDictionary<string, string?>? settings = null, string environment = "Production")
    {
        Root = Directory.CreateTempSubdirectory("vis-web-test-").FullName;
        _environment = environment;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ImageSearch:IndexPath"] = Path.Combine(Root, "index"),
            ["ImageSearchWeb:ThumbnailCachePath"] = Path.Combine(Root, "thumbnails"),
            ["ImageSearch:DecodeParallelism"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The temporary folder holding this server's index and thumbnails.</summary>
    public string Root { get; }

    /// <summary>The server's address (http://127.0.0.1:port/), starting it first.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.Single().TrimEnd('/') + "/");
        }
    }

    /// <summary>The indexing coordinator of the running app.</summary>
    internal IndexingCoordinator Indexing => Services.GetRequiredService<IndexingCoordinator>();

    /// <summary>A client of the server (a real socket to Kestrel).</summary>
    public HttpClient CreateApiClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Waits for the indexing started with the app (if any) to end, and fails unless it completed.</summary>
    internal async Task WaitForStartupIndexingAsync()
    {
        _ = BaseAddress;
        await Indexing.Completion.WaitAsync(TimeSpan.FromMinutes(3));
        var status = Indexing.Status;
        Assert.True(status.State is IndexingState.Completed, $"Indexing at start ended {status.State}: {status.Message}");
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a late reader; the temporary folder is left behind.
        }
    }
}
