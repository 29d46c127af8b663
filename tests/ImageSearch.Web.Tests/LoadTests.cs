using System.Diagnostics;
using System.Net;
using System.Text.Json;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>
/// A bounded load test on loopback: 50 concurrent clients, each from its own address (127.0.0.2 …) so the default
/// per-client rate limit applies as in production, sending a mix of text and image searches. Every answer must be a
/// 200 with results. Searches/s and latency percentiles go to the test output and to load-test.json beside the tests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LoadTests(ITestOutputHelper output)
{
    private const int Clients = 50;
    private const int RequestsPerClient = 20; // under the default 60 per 10 s per client: the limiter must not refuse any

    private static readonly string[] Sentences =
    [
        "a red circle", "a blue star", "a green triangle", "a yellow heart", "a purple cross on a white background",
        "an orange square", "a pink circle on a black background", "a small green star",
    ];

    [Fact]
    [Trait("Category", "Load")]
    public async Task Fifty_clients_mixing_text_and_image_searches_get_no_errors()
    {
        await using var factory = new SearchWebFactory(); // the default rate limits of appsettings.json
        await factory.WaitForStartupIndexingAsync();
        var files = Directory.GetFiles(TestImages.ShapesFolder, "*.png").Order(StringComparer.Ordinal).Take(40).ToArray();
        var images = files.Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f))).ToArray();
        var clients = Enumerable.Range(0, Clients).Select(i => LoopbackClient.Create(factory.BaseAddress, 2 + i)).ToArray();
        try
        {
            // One warm-up search per client: opens the connections and the model's first-run paths.
            await Task.WhenAll(clients.Select(c => c.GetAsync("/api/search?q=warm&k=1")));

            var latencies = new double[Clients * RequestsPerClient];
            var failures = new List<string>();
            var start = new TaskCompletionSource();
            var clock = new Stopwatch();
            var workers = clients.Select((client, c) => Task.Run(async () =>
            {
                await start.Task;
                for (var r = 0; r < RequestsPerClient; r++)
                {
                    var n = (c * RequestsPerClient) + r;
                    var began = Stopwatch.GetTimestamp();
                    using var response = n % 2 == 0
                        ? await client.GetAsync($"/api/search?q={Uri.EscapeDataString(Sentences[n % Sentences.Length])}&k=10")
                        : await client.PostAsync("/api/search/image?k=10", ApiJson.ImageForm(images[n % images.Length].Bytes, images[n % images.Length].Name));
                    var body = await response.Content.ReadAsStringAsync();
                    latencies[n] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK || !body.Contains("\"hits\":[{", StringComparison.Ordinal))
                    {
                        lock (failures)
                        {
                            failures.Add($"client {c} request {r}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
                        }
                    }
                }
            })).ToArray();
            clock.Start();
            start.SetResult();
            await Task.WhenAll(workers);
            clock.Stop();

            var text = latencies.Where((_, n) => n % 2 == 0).Order().ToArray();
            var image = latencies.Where((_, n) => n % 2 == 1).Order().ToArray();
            Array.Sort(latencies);
            var result = new
            {
                clients = Clients,
                requests = latencies.Length,
                errors = failures.Count,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
                searchesPerSecond = Math.Round(latencies.Length / clock.Elapsed.TotalSeconds, 1),
                p50Ms = Math.Round(Percentile(latencies, 0.50), 1),
                p99Ms = Math.Round(Percentile(latencies, 0.99), 1),
                maxMs = Math.Round(latencies[^1], 1),
                textP50Ms = Math.Round(Percentile(text, 0.50), 1),
                textP99Ms = Math.Round(Percentile(text, 0.99), 1),
                imageP50Ms = Math.Round(Percentile(image, 0.50), 1),
                imageP99Ms = Math.Round(Percentile(image, 0.99), 1),
                loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a",
                processors = Environment.ProcessorCount,
                utc = DateTime.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
            };
            var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
            output.WriteLine(json);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "load-test.json"), json);
            Assert.True(failures.Count == 0, $"{failures.Count} failed requests, first: {string.Join(Environment.NewLine, failures.Take(5))}");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
