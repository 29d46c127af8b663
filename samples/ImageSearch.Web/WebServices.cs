using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;
using VectorImageSearch.Postgres;
using VectorImageSearch.Samples.Web.Api;
using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web;

/// <summary>The web sample's services: the image search from configuration, the page's helpers, limits and errors.</summary>
public static class WebServices
{
    /// <summary>The rate-limit policy of the API's endpoints.</summary>
    public const string ApiPolicy = "api";

    /// <summary>The rate-limit policy of thumbnails.</summary>
    public const string ThumbnailPolicy = "thumbnails";

    /// <summary>Adds everything the sample needs to <paramref name="builder"/>.</summary>
    public static WebApplicationBuilder AddImageSearchWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddProgramFolderSettings(builder);
        services.AddOptions<ImageSearchWebOptions>()
            .Bind(builder.Configuration.GetSection(ImageSearchWebOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Directory.Exists(WebPaths.Resolve(o.ImageFolder)), "ImageSearchWeb:ImageFolder must name an existing folder.")
            .ValidateOnStart();

        // The library's settings (section "ImageSearch"); relative paths from the program's folder. "Store" chooses
        // where the vectors live: "Faiss" (a folder at IndexPath, the default) or "Postgres" (its "Postgres" section).
        services.AddImageSearch(builder.Configuration.GetSection("ImageSearch"), o =>
        {
            o.ClipModelPath = ResolveOptional(o.ClipModelPath);
            o.ImageModelPath = ResolveOptional(o.ImageModelPath);
            o.IndexPath = ResolveOptional(o.IndexPath);
        });
        services.AddPostgresStoreKind();

        services.AddSingleton<WebPaths>();
        services.AddSingleton<HitCatalog>();
        services.AddSingleton<ThumbnailCache>();
        services.AddSingleton<IndexingCoordinator>();
        services.AddHostedService<StartupIndexer>();

        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddOpenApi();
        services.AddRateLimiter(ConfigureRateLimits);
        return builder;
    }

    // Started from another folder (dotnet path/to/ImageSearch.Web.dll), the content root has no appsettings.json: read the
    // copy the build puts beside the program, with the lowest precedence (environment and command line still win).
    private static void AddProgramFolderSettings(WebApplicationBuilder builder)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")) || !File.Exists(beside))
        {
            return;
        }
        var source = new JsonConfigurationSource { Path = beside, Optional = true };
        source.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, source);
    }

    private static string? ResolveOptional(string? path) => string.IsNullOrWhiteSpace(path) ? path : WebPaths.Resolve(path);

    private static void ConfigureRateLimits(RateLimiterOptions limits)
    {
        limits.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limits.AddPolicy(ApiPolicy, http => PerClient(http, s => s.PermitLimit));
        limits.AddPolicy(ThumbnailPolicy, http => PerClient(http, s => s.ThumbnailPermitLimit));
        limits.OnRejected = async (context, cancellationToken) =>
        {
            var http = context.HttpContext;
            var window = Settings(http).WindowSeconds;
            var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : window;
            http.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ProblemWriter.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"This client has sent more requests than the limit allows; try again in {retry} s.");
        };
    }

    // One window per client address and policy: a burst from one client leaves the others served.
    private static RateLimitPartition<string> PerClient(HttpContext http, Func<RateLimitSettings, int> permits)
    {
        var settings = Settings(http);
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(settings),
            Window = TimeSpan.FromSeconds(settings.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static RateLimitSettings Settings(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<ImageSearchWebOptions>>().Value.RateLimit;
}
