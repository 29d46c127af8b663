using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>
/// A child process (tests/VectorImageSearch.Postgres.Harness: the image search with the PostgreSQL store, as an
/// application builds it) indexes a 40-image folder two images a batch, one transaction each, and is SIGKILLed at a
/// random moment. Each time the collection holds a prefix of the folder in name order, in whole batches, including every
/// batch the child reported committed; the next run opens the store without error and completes the folder, nothing
/// indexed twice. 5 kills here; VIS_RELIABILITY_KILLS=50 for the figures in docs/reliability.md.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KillDuringIndexingTests(PostgresServer server, ITestOutputHelper output) : IDisposable
{
    private const string Schema = "kills";
    private const int Images = 40;
    private const int Batch = 2;
    private readonly string _root = Directory.CreateTempSubdirectory("vis-pg-kills-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Killed_while_indexing_the_collection_holds_a_committed_prefix_and_the_next_run_completes_the_folder()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("VIS_RELIABILITY_KILLS"), CultureInfo.InvariantCulture, out var n) ? n : 5;
        var folder = Path.Combine(_root, "images");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images"), "*.png").Order(StringComparer.Ordinal).Take(Images))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        var ordered = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        var random = new Random(20261127);
        var held = new List<int>();
        var finishedFirst = 0;
        for (var round = 0; round < kills; round++)
        {
            var collection = $"k{round}_{Guid.NewGuid():N}";
            // Killed a random 0-50 ms after a random number of committed batches (20 fill the folder): before the store
            // is open, while reading, encoding or inside a transaction, or after the run ended.
            var commits = random.Next(0, (Images / Batch) + 4);
            var delay = random.Next(0, 50);
            int reported;
            using (var victim = Start(collection, folder))
            {
                var seen = 0;
                while (seen < commits && await victim.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) is { } line)
                {
                    seen += line.StartsWith("committed ", StringComparison.Ordinal) ? 1 : 0;
                }
                await Task.Delay(delay);
                finishedFirst += victim.HasExited ? 1 : 0;
                if (!victim.HasExited)
                {
                    victim.Kill(entireProcessTree: true); // SIGKILL on Linux
                }
                await victim.WaitForExitAsync();
                var rest = await victim.StandardOutput.ReadToEndAsync();
                reported = (seen + rest.Split('\n').Count(l => l.StartsWith("committed ", StringComparison.Ordinal))) * Batch;
            }

            var keys = await KeysAsync(collection);
            var count = keys.Count;
            Assert.True(count == Images || count % Batch == 0, $"Round {round}: {count} images is not whole batches of {Batch}.");
            Assert.Equal(ordered.Take(count), keys);
            Assert.True(count >= Math.Min(reported, Images), $"Round {round}: the child reported {reported} images committed but the collection holds {count}.");

            using (var next = Start(collection, folder))
            {
                var (code, text) = await WaitAsync(next);
                Assert.True(code == 0, $"Round {round}: the next run failed (exit code {code}): {text}");
                Assert.Contains($"skipped {count}", text, StringComparison.Ordinal);
                Assert.Equal(Images - count, text.Split('\n').Where(l => l.StartsWith("committed ", StringComparison.Ordinal)).Sum(l => int.Parse(l[10..], CultureInfo.InvariantCulture)));
            }
            await AssertFolderStoredOnceAsync(collection, ordered);
            held.Add(count);
        }
        var partial = held.Count(c => c is > 0 and < Images);
        output.WriteLine($"{kills} kills: held {string.Join(", ", held)}; {partial} mid-run, {held.Count(c => c == 0)} before the first commit, {held.Count(c => c == Images)} with the folder complete ({finishedFirst} runs had ended before the kill)");
        if (kills >= 5)
        {
            Assert.True(partial > 0, "No kill landed in the middle of a run: the test did not exercise what it names.");
        }
    }

    private Process Start(string collection, string folder)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.Postgres.Harness.dll"));
        foreach (var argument in new[] { "index", Schema, collection, RepoPaths.ClipTinyShapes, folder, Batch.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["VIS_PG_CONNECTION"] = server.ConnectionString;
        start.Environment["VIS_DECODE_PARALLELISM"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the harness");
    }

    private static async Task<(int Code, string Output)> WaitAsync(Process process)
    {
        var text = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await text + await error);
    }

    // The collection's keys in name order; none when the child died before it created the collection.
    private async Task<List<string>> KeysAsync(string collection)
    {
        if (await server.ScalarAsync($"SELECT to_regclass('{Schema}.{collection}')::text") is not string)
        {
            return [];
        }
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT key FROM {Schema}.{collection}");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return [.. keys.Order(StringComparer.Ordinal)];
    }

    private async Task AssertFolderStoredOnceAsync(string collection, List<string> files)
    {
        Assert.Equal((long)files.Count, await server.ScalarAsync($"SELECT count(*) FROM {Schema}.{collection}"));
        Assert.Equal((long)files.Count, await server.ScalarAsync($"SELECT count(DISTINCT key) FROM {Schema}.{collection}"));
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT key, content_hash FROM {Schema}.{collection}");
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0), reader.GetString(1));
        }
        Assert.Equal(files, stored.Keys.Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), stored[f]));
    }
}
