using System.Net;
using System.Text.Json;
using VectorImageSearch.Samples.Web.Services;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>
/// Indexing through the API on a server that starts with an empty index (its own temporary folder): one run at a
/// time, cancel, and progress as server-sent events.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IndexingApiTests
{
    private static readonly Dictionary<string, string?> EmptyAtStart = new() { ["ImageSearchWeb:IndexOnStartup"] = "false" };

    [Fact]
    public async Task Progress_streams_as_server_sent_events_until_the_run_completes()
    {
        await using var factory = new SearchWebFactory(EmptyAtStart);
        using var client = factory.CreateApiClient();
        using var events = await client.GetAsync("/api/indexing/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());

        var initial = await NextStatusAsync(reader);
        Assert.Equal(IndexingState.Idle, initial.State);
        using var start = await client.PostAsync("/api/indexing", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);

        var seen = new List<IndexingStatus>();
        IndexingStatus status;
        do
        {
            status = await NextStatusAsync(reader);
            seen.Add(status);
        }
        while (status.State is IndexingState.Running);

        Assert.Equal(IndexingState.Completed, status.State);
        Assert.Equal((720, 720, 720), (status.Total, status.Done, status.Encoded));
        var running = seen.Where(s => s.State == IndexingState.Running && s.Total > 0).ToList();
        Assert.NotEmpty(running); // progress arrived before the end
        Assert.True(running.Zip(running.Skip(1)).All(p => p.First.Done <= p.Second.Done), "progress went backwards");
        Assert.Contains(running, s => s.Done < 720);

        var answer = await (await client.GetAsync("/api/search?q=a%20red%20circle&k=1")).Content.ReadAsStringAsync();
        Assert.Contains("_red_circle.png", answer, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(factory.Root, "index", "manifest.json")), "the completed run was not saved");
    }

    [Fact]
    public async Task One_run_at_a_time_and_cancel_stops_it()
    {
        await using var factory = new SearchWebFactory(EmptyAtStart);
        using var client = factory.CreateApiClient();
        using (var first = await client.PostAsync("/api/indexing", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }
        using (var second = await client.PostAsync("/api/indexing", null))
        {
            Assert.Contains("going on", await second.AssertProblemAsync(409), StringComparison.Ordinal);
        }
        using (var cancel = await client.DeleteAsync("/api/indexing"))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }
        await factory.Indexing.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        var status = factory.Indexing.Status;
        Assert.Equal(IndexingState.Cancelled, status.State);
        Assert.True(status.Done < 720, $"the run finished ({status.Done}) before the cancel reached it");
        using (var again = await client.DeleteAsync("/api/indexing"))
        {
            await again.AssertProblemAsync(409);
        }
        // A new run may start once the old one has ended; it finishes what the cancelled one left.
        using (var restart = await client.PostAsync("/api/indexing", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        }
        await factory.Indexing.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(IndexingState.Completed, factory.Indexing.Status.State);
        Assert.Equal(720, factory.Indexing.Status.Done);
    }

    private static async Task<IndexingStatus> NextStatusAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? eventName = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                Assert.Equal("status", eventName);
                return JsonSerializer.Deserialize<IndexingStatus>(line[5..].Trim(), ApiJson.Options)!;
            }
        }
        throw new InvalidOperationException("The event stream ended.");
    }
}
