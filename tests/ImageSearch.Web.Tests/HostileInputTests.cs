using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>Hostile and malformed requests get a clear 4xx as problem+json, and the server keeps serving.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(WebAppFixture app, ITestOutputHelper output)
{
    private readonly HttpClient _client = app.Client;

    [Theory]
    [InlineData("/api/search?q=circle&k=0")]
    [InlineData("/api/search?q=circle&k=-3")]
    [InlineData("/api/search?q=circle&k=101")]
    [InlineData("/api/search?q=circle&k=2147483647")]
    public async Task K_out_of_bounds_is_400(string url)
    {
        using var response = await _client.GetAsync(url);
        var detail = await response.AssertProblemAsync(400);
        Assert.Contains("1 to 100", detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task K_that_is_not_a_number_is_400()
    {
        using var response = await _client.GetAsync("/api/search?q=circle&k=ten");
        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task K_out_of_bounds_is_400_for_image_and_similar_searches_too()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Shape("0050_red_circle.png"));
        using var image = await _client.PostAsync("/api/search/image?k=1000", ApiJson.ImageForm(bytes, "a.png"));
        await image.AssertProblemAsync(400);
        var hit = (await _client.SearchAsync("/api/search?q=a%20red%20circle&k=1")).Hits[0];
        using var similar = await _client.GetAsync(hit.SimilarUrl + "?k=0");
        await similar.AssertProblemAsync(400);
    }

    [Fact]
    public async Task Missing_or_overlong_text_query_is_400()
    {
        using var missing = await _client.GetAsync("/api/search");
        Assert.Contains("'q'", await missing.AssertProblemAsync(400), StringComparison.Ordinal);
        using var blank = await _client.GetAsync("/api/search?q=%20%20");
        await blank.AssertProblemAsync(400);
        using var overlong = await _client.GetAsync("/api/search?q=" + new string('a', 501));
        Assert.Contains("limit is 500", await overlong.AssertProblemAsync(400), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_over_the_size_limit_is_413()
    {
        var big = new byte[9 * 1024 * 1024]; // the limit is 8 MiB
        using var response = await _client.PostAsync("/api/search/image", ApiJson.ImageForm(big, "big.png"));
        Assert.Contains("8,388,608 bytes", await response.AssertProblemAsync(413), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Upload_over_the_size_limit_without_a_content_length_is_413()
    {
        var big = new byte[9 * 1024 * 1024];
        var form = new MultipartFormDataContent { { new UnknownLengthContent(big), "image", "big.png" } };
        using var response = await _client.PostAsync("/api/search/image", form);
        await response.AssertProblemAsync(413);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_400_naming_the_upload()
    {
        var text = "name,colour\ncircle,red\n"u8.ToArray();
        using var response = await _client.PostAsync("/api/search/image", ApiJson.ImageForm(text, "notes.csv"));
        var detail = await response.AssertProblemAsync(400);
        output.WriteLine(detail);
        Assert.Contains("Image 'notes.csv'", detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_truncated_image_is_400_naming_the_problem()
    {
        var png = TestImages.NoisePng(256);
        var truncated = png[..(png.Length / 2)];
        using var response = await _client.PostAsync("/api/search/image", ApiJson.ImageForm(truncated, "half.png"));
        var detail = await response.AssertProblemAsync(400);
        output.WriteLine(detail);
        Assert.Contains("Image 'half.png'", detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_empty_upload_or_a_form_without_an_image_is_400()
    {
        using var empty = await _client.PostAsync("/api/search/image", ApiJson.ImageForm([], "empty.png"));
        Assert.Contains("empty", await empty.AssertProblemAsync(400), StringComparison.Ordinal);
        using var noField = await _client.PostAsync("/api/search/image", new MultipartFormDataContent { { new StringContent("x"), "other" } });
        Assert.Contains("'image'", await noField.AssertProblemAsync(400), StringComparison.Ordinal);
        using var notAForm = await _client.PostAsync("/api/search/image", new ByteArrayContent([1, 2, 3]));
        await notAForm.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_by_its_header_quickly_with_flat_memory()
    {
        var bomb = TestImages.BombPng(30000, 30000);
        Assert.True(bomb.Length < 10_000);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(5);
            }
        });

        var clock = Stopwatch.StartNew();
        using var response = await _client.PostAsync("/api/search/image", ApiJson.ImageForm(bomb, "bomb.png"));
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;

        var detail = await response.AssertProblemAsync(400);
        output.WriteLine($"{clock.Elapsed.TotalMilliseconds:F0} ms, working set +{(peak - baseline) / (1024 * 1024)} MB: {detail}");
        Assert.Contains("Image 'bomb.png'", detail, StringComparison.Ordinal);
        Assert.Contains("30000", detail, StringComparison.Ordinal);
        // Decoding 30000 × 30000 RGB would take 2.7 GB; refused by header, the process stays where it was.
        var growth = peak - baseline;
        Assert.True(growth < 200L * 1024 * 1024, $"working set grew by {growth / (1024 * 1024)} MB");
        // "Within a second" is the goal; the bound leaves room for a loaded CI machine (measured: see the report).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/api/images/..%2F..%2F..%2Fetc%2Fpasswd/thumbnail")]
    [InlineData("/api/images/../../../etc/passwd/thumbnail")]
    [InlineData("/api/images/%2e%2e%2f%2e%2e%2fappsettings.json/thumbnail")]
    [InlineData("/api/images/0050_red_circle.png/thumbnail")]
    [InlineData("/api/images/999999999/thumbnail")]
    [InlineData("/api/images/-1/thumbnail")]
    [InlineData("/api/images/..%2F..%2Fetc%2Fpasswd/similar")]
    [InlineData("/api/images/999999999/similar")]
    [InlineData("/..%2F..%2Fappsettings.json")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/../ImageSearch.Web.dll")]
    [InlineData("/models/clip-tiny-shapes/config.json")]
    public async Task Path_traversal_and_unknown_ids_are_404(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_uploaded_file_name_is_only_a_label()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Shape("0050_red_circle.png"));
        var result = await _client.SearchImageAsync(bytes, "../../../etc/passwd");
        Assert.Equal("passwd", result.Query);
        Assert.Equal("0050_red_circle.png", result.Hits[0].FileName);
    }

    [Fact]
    public async Task A_catalog_key_outside_the_image_folder_is_never_served()
    {
        // An image added under a key that is a path outside the configured folder (as another app sharing the index could).
        var search = app.Factory.Services.GetRequiredService<IImageSearch>();
        var image = ImageInput.FromFile(TestImages.Shape("0031_purple_heart.png"));
        var id = await search.AddAsync(image, "/etc/passwd");
        try
        {
            var result = await _client.SearchImageAsync(await File.ReadAllBytesAsync(image.FilePath!), "q.png", "?k=3");
            var outside = Assert.Single(result.Hits, h => h.Id == id);
            Assert.Equal("passwd", outside.FileName);
            using var thumbnail = await _client.GetAsync(outside.ThumbnailUrl);
            await thumbnail.AssertProblemAsync(404);
            using var similar = await _client.GetAsync(outside.SimilarUrl);
            await similar.AssertProblemAsync(404);
        }
        finally
        {
            await search.RemoveAsync("/etc/passwd");
        }
    }

    private async Task AssertStillServingAsync()
    {
        var result = await _client.SearchAsync("/api/search?q=a%20red%20circle&k=1");
        Assert.EndsWith("_red_circle.png", result.Hits[0].FileName, StringComparison.Ordinal);
    }

    /// <summary>Content that will not tell its length: the request goes out chunked, with no Content-Length.</summary>
    private sealed class UnknownLengthContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
