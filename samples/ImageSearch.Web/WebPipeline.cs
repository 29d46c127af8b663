using Microsoft.Extensions.FileProviders;
using VectorImageSearch.Samples.Web.Api;

namespace VectorImageSearch.Samples.Web;

/// <summary>The web sample's request pipeline: errors as problem+json, the static page, rate-limited API refusing cross-site writes, OpenAPI.</summary>
public static class WebPipeline
{
    /// <summary>Sets up the middleware and maps the page and the API.</summary>
    public static WebApplication UseImageSearchWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
            return next(context);
        });
        // The page from the program's folder (the build copies wwwroot there), whatever the current directory.
        var page = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = page,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseRouting();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapGroup("/api")
            .RequireRateLimiting(WebServices.ApiPolicy)
            .RefuseCrossSiteWrites()
            .WithTags("Image search")
            .MapSearchEndpoints()
            .MapImageEndpoints()
            .MapIndexingEndpoints();
        return app;
    }
}
