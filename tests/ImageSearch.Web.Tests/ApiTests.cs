using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Samples.Web.Api;
using VectorImageSearch.Samples.Web.Services;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>Every endpoint of the JSON API, on the 720 indexed shapes.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiTests(WebAppFixture app)
{
    private readonly HttpClient _client = app.Client;

    [Fact]
    public async Task Status_names_the_index_size_model_and_store()
    {
        var status = await (await _client.GetAsync("/api/status")).ReadOkAsync<StatusResponse>();
        Assert.Equal(720, status.Count);
        Assert.Equal("clip-tiny-shapes", status.Model);
        Assert.StartsWith("clip-tiny-shapes@sha256:", status.ModelFingerprint, StringComparison.Ordinal);
        Assert.Equal(64, status.Dimension);
        Assert.Equal("faiss", status.Store);
        Assert.Equal("Flat", status.Index);
        Assert.Equal("shapes", status.ImageFolder);
        Assert.True(status.TextSearch);
        Assert.Equal(IndexingState.Completed, status.Indexing.State);
        Assert.Equal(720, status.Indexing.Done);
    }

    [Fact]
    public async Task Text_search_puts_red_circles_first_and_shows_no_server_paths()
    {
        var result = await _client.SearchAsync("/api/search?q=a%20red%20circle&k=5");
        Assert.Equal("text", result.Kind);
        Assert.Equal(5, result.Hits.Count);
        Assert.All(result.Hits, h => Assert.EndsWith("_red_circle.png", h.FileName, StringComparison.Ordinal));
        Assert.Equal(result.Hits.OrderByDescending(h => h.Score).Select(h => h.Id), result.Hits.Select(h => h.Id));
        Assert.All(result.Hits, h => Assert.DoesNotContain("/", h.FileName, StringComparison.Ordinal));
        Assert.Equal([1, 2, 3, 4, 5], result.Hits.Select(h => h.Rank));
    }

    [Fact]
    public async Task Default_k_is_the_configured_default()
    {
        var result = await _client.SearchAsync("/api/search?q=a%20green%20triangle");
        Assert.Equal(24, result.K);
        Assert.Equal(24, result.Hits.Count);
    }

    [Fact]
    public async Task Image_search_finds_the_uploaded_shape_first_with_score_one()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Shape("0050_red_circle.png"));
        var result = await _client.SearchImageAsync(bytes, "0050_red_circle.png", "?k=5");
        Assert.Equal("image", result.Kind);
        Assert.Equal("0050_red_circle.png", result.Query);
        Assert.Equal("0050_red_circle.png", result.Hits[0].FileName);
        Assert.Equal(1.0, result.Hits[0].Score, 3);
    }

    [Fact]
    public async Task More_like_this_on_a_blue_star_gives_blue_stars()
    {
        var stars = await _client.SearchAsync("/api/search?q=a%20blue%20star&k=10");
        var star = stars.Hits.First(h => h.FileName.EndsWith("_blue_star.png", StringComparison.Ordinal));
        var similar = await _client.SearchAsync(star.SimilarUrl + "?k=5");
        Assert.Equal("similar", similar.Kind);
        Assert.Equal(star.FileName, similar.Hits[0].FileName);
        Assert.Equal(1.0, similar.Hits[0].Score, 3);
        Assert.All(similar.Hits.Take(3), h => Assert.EndsWith("_blue_star.png", h.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Thumbnail_is_a_small_png_of_the_image_generated_once_and_cached()
    {
        var result = await _client.SearchAsync("/api/search?q=a%20red%20circle&k=1");
        var hit = result.Hits[0];
        var cache = app.Factory.Services.GetRequiredService<ThumbnailCache>();
        var before = cache.Generated;

        using var first = await _client.GetAsync(hit.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/png", first.Content.Headers.ContentType?.MediaType);
        var png = await first.Content.ReadAsByteArrayAsync();
        Assert.InRange(png.Length, 100, 20_000);
        Assert.Equal(TimeSpan.FromHours(1), first.Headers.CacheControl?.MaxAge);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        var afterFirst = cache.Generated;
        Assert.InRange(afterFirst - before, 0, 1); // 0 when an earlier test made it

        // The library's decoder reads it back: the 160 × 160 centre crop of the shape. libvips resamples it (lanczos3),
        // so it is close to, not equal to, the library's PIL-exact bicubic crop: compared by the mean and the worst
        // 1 % of the per-channel differences.
        var image = ImagePipeline.Decode(ImageInput.FromBytes(png, "thumbnail"));
        Assert.Equal((160, 160), (image.Width, image.Height));
        var recipe = new PreprocessRecipe { ShortestEdge = 160, CropWidth = 160, CropHeight = 160, Resample = ResampleFilter.Bicubic };
        var expected = ImagePipeline.LoadRgb(ImageInput.FromFile(TestImages.Shape(hit.FileName)), recipe);
        var differences = expected.Pixels.Zip(image.Pixels, (a, b) => Math.Abs(a - b)).Order().ToArray();
        var (mean, p99) = (differences.Average(), differences[differences.Length * 99 / 100]);
        Assert.True(mean < 0.5 && p99 <= 8, $"The thumbnail differs from the library's crop by {mean:F3} on average, {p99} at the 99th percentile (measured: 0.055 and 2).");

        using var second = await _client.GetAsync(hit.ThumbnailUrl);
        Assert.Equal(png, await second.Content.ReadAsByteArrayAsync());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, hit.ThumbnailUrl);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await _client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        Assert.Equal(afterFirst, cache.Generated); // served from the cache, not made again
        Assert.Contains(Directory.GetFiles(cache.Folder, "*.png"), f => File.ReadAllBytes(f).AsSpan().SequenceEqual(png));
    }

    [Fact]
    public async Task Concurrent_requests_for_a_new_thumbnail_generate_it_once()
    {
        var result = await _client.SearchAsync("/api/search?q=a%20yellow%20heart&k=40");
        var cache = app.Factory.Services.GetRequiredService<ThumbnailCache>();
        var hit = result.Hits[^1];
        var before = cache.Generated;
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _client.GetByteArrayAsync(hit.ThumbnailUrl)));
        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.Equal(1, cache.Generated - before);
    }

    [Fact]
    public async Task The_page_and_its_script_are_served()
    {
        var html = await _client.GetStringAsync("/");
        Assert.Contains("<h1>Image search</h1>", html, StringComparison.Ordinal);
        using var script = await _client.GetAsync("/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_document_describes_every_endpoint()
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/search").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/search/image").TryGetProperty("post", out var image));
        Assert.True(image.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.True(paths.GetProperty("/api/images/{id}/similar").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/images/{id}/thumbnail").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/status").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/indexing").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/indexing").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/indexing/events").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task Unknown_api_paths_answer_problem_json()
    {
        using var response = await _client.GetAsync("/api/nothing-here");
        await response.AssertProblemAsync(404);
        using var wrongMethod = await _client.PutAsJsonAsync("/api/status", new { });
        await wrongMethod.AssertProblemAsync(405);
    }
}
