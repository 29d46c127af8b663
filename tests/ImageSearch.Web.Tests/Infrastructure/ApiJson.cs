using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using VectorImageSearch.Samples.Web.Api;

namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>Reading the API's answers as the page does.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task<SearchResponse> SearchAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await response.ReadOkAsync<SearchResponse>();
    }

    public static async Task<SearchResponse> SearchImageAsync(this HttpClient client, byte[] image, string fileName, string query = "")
    {
        using var response = await client.PostAsync("/api/search/image" + query, ImageForm(image, fileName));
        return await response.ReadOkAsync<SearchResponse>();
    }

    public static MultipartFormDataContent ImageForm(byte[] image, string fileName)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new("image/png");
        return new MultipartFormDataContent { { content, "image", fileName } };
    }

    public static async Task<T> ReadOkAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        return JsonSerializer.Deserialize<T>(body, Options)!;
    }

    /// <summary>Asserts a problem+json answer with <paramref name="status"/> and returns its detail.</summary>
    public static async Task<string> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return json.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? string.Empty : string.Empty;
    }
}
