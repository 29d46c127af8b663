using Microsoft.Net.Http.Headers;
using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web.Api;

/// <summary>Thumbnails by catalog id: only ids a search has returned, only files under the image folder.</summary>
internal static class ImageEndpoints
{
    public static RouteGroupBuilder MapImageEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/images/{id:long}/thumbnail", GetThumbnailAsync)
            .WithName("GetThumbnail").WithSummary("A square PNG thumbnail of the image with this catalog id.")
            .Produces(200, contentType: "image/png").ProducesProblem(404).ProducesProblem(429)
            .RequireRateLimiting(WebServices.ThumbnailPolicy);
        return api;
    }

    private static async Task<IResult> GetThumbnailAsync(
        long id, HttpResponse response, HitCatalog catalog, WebPaths paths, ThumbnailCache thumbnails, CancellationToken cancellationToken)
    {
        if (!catalog.TryGetKey(id, out var key) || paths.Images.TryGetFile(key) is not { } file)
        {
            return ApiProblems.NotFound($"No image with id {id} has been found by a search of the image folder.");
        }
        var path = await thumbnails.GetAsync(file, cancellationToken);
        // The browser keeps it for an hour, then revalidates with the ETag (a changed image gets a new cache name, so a new tag).
        response.Headers.CacheControl = "private, max-age=3600";
        var tag = new EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(path)}\"");
        return Results.File(path, "image/png", lastModified: File.GetLastWriteTimeUtc(path), entityTag: tag);
    }
}
