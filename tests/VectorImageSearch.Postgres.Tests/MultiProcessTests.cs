using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>
/// Several processes, one collection: harness processes (tests/VectorImageSearch.Postgres.Harness: the image search as an
/// application builds it, AddImageSearch().AddClip(demo CLIP).UsePostgres(...), IndexDirectoryAsync with one UpsertAsync
/// per batch) index folders while another watches, and one is killed mid-batch.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiProcessTests(PostgresServer server) : IDisposable
{
    private const string Schema = "multi";
    private readonly string _root = Directory.CreateTempSubdirectory("vis-pg-multi-").FullName;
    private readonly string _collection = "c_" + Guid.NewGuid().ToString("N");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Two_indexers_and_a_watcher_share_one_collection_and_see_only_whole_batches()
    {
        var a = CopyImages("a", 0, 40);
        var b = CopyImages("b", 40, 33);
        var stop = Path.Combine(_root, "stop");
        // All three open the collection at once: the first creates it, the others find it (under the open's advisory lock).
        using var watcher = Start("watch", stop, $"{a}/=5", $"{b}/=7");
        using var indexA = Start("index", a, "5");
        using var indexB = Start("index", b, "7");
        var (codeA, outA) = await WaitAsync(indexA);
        var (codeB, outB) = await WaitAsync(indexB);
        Assert.True(codeA == 0, outA);
        Assert.True(codeB == 0, outB);
        Assert.Equal(8, CountLines(outA, "committed 5"));
        Assert.Equal(4, CountLines(outB, "committed 7"));
        await File.WriteAllTextAsync(stop, "");
        var (codeW, outW) = await WaitAsync(watcher);
        Assert.True(codeW == 0, outW);
        Assert.Contains("ok ", outW, StringComparison.Ordinal);
        await AssertFolderStoredOnceAsync(40 + 33, a, b);
    }

    [Fact]
    public async Task A_harness_killed_mid_batch_leaves_no_partial_batch_and_the_next_run_completes_the_folder()
    {
        var folder = CopyImages("c", 100, 48);
        using (var first = Start("index", folder, "8", "2"))
        {
            var (code, output) = await WaitAsync(first);
            Assert.True(code == 0, output);
        }
        Assert.Equal(16L, await CountAsync());

        // Hold a lock that INSERT waits for, so the next batch is certainly inside its transaction when the kill lands.
        await using var blocker = new NpgsqlConnection(server.ConnectionString);
        await blocker.OpenAsync();
        await using (var transaction = await blocker.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {Schema}.{_collection} IN SHARE MODE", blocker, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }
            using var victim = Start("index", folder, "8");
            var backend = await WaitForMergeWaitingOnLockAsync(victim);
            victim.Kill(entireProcessTree: true); // SIGKILL on Linux
            await victim.WaitForExitAsync();
            await transaction.RollbackAsync();
            await WaitForBackendGoneAsync(backend);
        }
        Assert.Equal(16L, await CountAsync());

        using (var again = Start("index", folder, "8"))
        {
            var (code, output) = await WaitAsync(again);
            Assert.True(code == 0, output);
            Assert.Contains("skipped 16", output, StringComparison.Ordinal);
            Assert.Equal(4, CountLines(output, "committed 8"));
        }
        await AssertFolderStoredOnceAsync(48, folder);
    }

    private string CopyImages(string name, int first, int count)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images"), "*.png").Order(StringComparer.Ordinal).Skip(first).Take(count))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }

    private Process Start(string mode, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.Postgres.Harness.dll"));
        foreach (var argument in new[] { mode, Schema, _collection, RepoPaths.ClipTinyShapes }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["VIS_PG_CONNECTION"] = server.ConnectionString;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the harness");
    }

    private static async Task<(int Code, string Output)> WaitAsync(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static int CountLines(string output, string line) => output.Split('\n').Count(l => l.Trim() == line);

    private async Task<int> WaitForMergeWaitingOnLockAsync(Process victim)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (victim.HasExited)
            {
                var (code, output) = await WaitAsync(victim);
                Assert.Fail($"the harness ended (exit code {code}) before its batch reached the lock: {output}");
            }
            var pid = await server.ScalarAsync(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND state = 'active' AND query LIKE 'INSERT INTO%vis_batch%' LIMIT 1");
            if (pid is int backend)
            {
                return backend;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the harness's merge never waited on the lock");
    }

    private async Task WaitForBackendGoneAsync(int backend)
    {
        for (var i = 0; i < 600 && await server.ScalarAsync($"SELECT 1 FROM pg_stat_activity WHERE pid = {backend}") is not null; i++)
        {
            await Task.Delay(50);
        }
    }

    private async Task<long> CountAsync() => (long)(await server.ScalarAsync($"SELECT count(*) FROM {Schema}.{_collection}"))!;

    private async Task AssertFolderStoredOnceAsync(int total, params string[] folders)
    {
        Assert.Equal((long)total, await CountAsync());
        Assert.Equal((long)total, await server.ScalarAsync($"SELECT count(DISTINCT key) FROM {Schema}.{_collection}"));
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT key, content_hash FROM {Schema}.{_collection}");
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0), reader.GetString(1));
        }
        var files = folders.SelectMany(Directory.GetFiles).ToList();
        Assert.Equal(files.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), stored[f]));
    }
}
