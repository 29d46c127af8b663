using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web.Api;

/// <summary>Search by text, by an uploaded image, and "more like this" by catalog id.</summary>
internal static class SearchEndpoints
{
    private const string ImageField = "image";

    public static RouteGroupBuilder MapSearchEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/search", SearchTextAsync)
            .WithName("SearchText").WithSummary("Searches the index by a sentence.")
            .Produces<SearchResponse>().ProducesProblem(400).ProducesProblem(429);
        api.MapPost("/search/image", SearchImageAsync)
            .WithName("SearchImage").WithSummary("Searches the index by an uploaded image (multipart/form-data, field \"image\").")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<SearchResponse>().ProducesProblem(400).ProducesProblem(413).ProducesProblem(429);
        api.MapGet("/images/{id:long}/similar", SearchSimilarAsync)
            .WithName("SearchSimilar").WithSummary("Searches for images like the image with this catalog id (\"more like this\").")
            .Produces<SearchResponse>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(429);
        return api;
    }

    private static async Task<IResult> SearchTextAsync(
        string? q, int? k, float? minScore, string? not, string? folder, string? dedup,
        IImageSearch search, HitCatalog catalog, WebPaths paths, IOptions<ImageSearchWebOptions> options, IOptions<ImageSearchOptions> library,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!ModelDescription.SearchesText(library.Value))
        {
            return ApiProblems.BadRequest("No text search", $"The model '{ModelDescription.Name(library.Value)}' embeds images only: search by an image instead.");
        }
        if (CheckK(k, settings, out var count) is { } badK)
        {
            return badK;
        }
        var text = q?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return ApiProblems.BadRequest("Missing query", "Give the text to search for in the query parameter 'q'.");
        }
        if (text.Length > settings.MaxQueryLength)
        {
            return ApiProblems.BadRequest("Query too long", $"The query has {text.Length} characters; the limit is {settings.MaxQueryLength}.");
        }
        var refinements = new TextSearchRefinements(minScore, not, folder, dedup);
        if (refinements.IsUsed)
        {
            if (refinements.TryBuild(text, count, paths.Images, settings.MaxQueryLength, out var query) is { } badQuery)
            {
                return badQuery;
            }
            var refinedClock = Stopwatch.StartNew();
            var refined = await search.SearchAsync(query, cancellationToken);
            return Answer(text, "text", count, refinedClock, refined, catalog);
        }
        var clock = Stopwatch.StartNew();
        var hits = await search.SearchAsync(text, count, cancellationToken);
        return Answer(text, "text", count, clock, hits, catalog);
    }

    private static async Task<IResult> SearchImageAsync(
        HttpRequest request, int? k, IImageSearch search, HitCatalog catalog, IOptions<ImageSearchWebOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (CheckK(k, settings, out var count) is { } badK)
        {
            return badK;
        }
        var limit = settings.MaxUploadBytes;
        const long envelope = 64 * 1024; // multipart boundaries and part headers
        if (request.ContentLength > limit + envelope)
        {
            return ApiProblems.TooLarge(limit);
        }
        if (!request.HasFormContentType)
        {
            return ApiProblems.BadRequest("Not a form upload", $"Send the image as multipart/form-data in a field named '{ImageField}'.");
        }
        var bodyLimit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodyLimit is { IsReadOnly: false })
        {
            bodyLimit.MaxRequestBodySize = limit + envelope;
        }
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
        {
            MultipartBodyLengthLimit = limit,
            ValueCountLimit = 16,
            BufferBodyLengthLimit = limit + envelope,
        }));

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiProblems.TooLarge(limit);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.TooLarge(limit);
        }
        catch (InvalidDataException e)
        {
            return ApiProblems.BadRequest("Malformed upload", $"The multipart body cannot be read: {e.Message}");
        }

        var file = form.Files.GetFile(ImageField);
        if (file is null)
        {
            return ApiProblems.BadRequest("No image", $"The form has no file in a field named '{ImageField}'.");
        }
        if (file.Length > limit)
        {
            return ApiProblems.TooLarge(limit);
        }
        var name = DisplayName(file.FileName);
        if (file.Length == 0)
        {
            return ApiProblems.BadRequest("The image cannot be decoded", $"The upload '{name}' is empty.");
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        IReadOnlyList<SearchHit> hits;
        try
        {
            hits = await search.SearchAsync(ImageInput.FromBytes(bytes, name), count, cancellationToken);
        }
        catch (ImageDecodeException e)
        {
            return ApiProblems.BadRequest("The image cannot be decoded", e.Message);
        }
        return Answer(name, "image", count, clock, hits, catalog);
    }

    private static async Task<IResult> SearchSimilarAsync(
        long id, int? k, IImageSearch search, HitCatalog catalog, WebPaths paths, IOptions<ImageSearchWebOptions> options, CancellationToken cancellationToken)
    {
        if (CheckK(k, options.Value, out var count) is { } badK)
        {
            return badK;
        }
        if (!catalog.TryGetKey(id, out var key) || paths.Images.TryGetFile(key) is not { } file)
        {
            return ApiProblems.NotFound($"No image with id {id} has been found by a search of the image folder.");
        }
        var clock = Stopwatch.StartNew();
        var hits = await search.SearchAsync(ImageInput.FromFile(file.FullName), count, cancellationToken);
        return Answer(file.Name, "similar", count, clock, hits, catalog);
    }

    private static IResult? CheckK(int? k, ImageSearchWebOptions settings, out int count)
    {
        count = k ?? settings.DefaultResults;
        return count < 1 || count > settings.MaxResults
            ? ApiProblems.BadRequest("k out of range", $"k is {count}; ask for 1 to {settings.MaxResults} results.")
            : null;
    }

    private static IResult Answer(string query, string kind, int k, Stopwatch clock, IReadOnlyList<SearchHit> hits, HitCatalog catalog)
    {
        catalog.Remember(hits);
        var results = hits.Select(h => new SearchHitResult(
            h.Id, Path.GetFileName(h.Key), h.Score, h.Rank, $"/api/images/{h.Id}/thumbnail", $"/api/images/{h.Id}/similar")).ToList();
        return TypedResults.Ok(new SearchResponse(query, kind, k, Math.Round(clock.Elapsed.TotalMilliseconds, 2), results));
    }

    // The client's file name is only a label: no folders, no control characters, not too long.
    private static string DisplayName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? string.Empty).Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]);
        if (name.Length > 100)
        {
            name = name[..100];
        }
        return name.Length == 0 ? "image" : name;
    }
}
