using System.Diagnostics;
using Npgsql;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>
/// A real PostgreSQL 15 + pgvector server for the tests: a throwaway cluster on 127.0.0.1 that eng/postgres/cluster.sh
/// creates (installing PostgreSQL and building pgvector on first use) and deletes when the tests end — or, when
/// VIS_POSTGRES_CONNECTION is set, that server instead. It never skips: a server that cannot start fails every test with
/// the script's output.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _folder;

    /// <summary>The connection string of the server, password included.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The password in <see cref="ConnectionString"/>.</summary>
    public string Password => new NpgsqlConnectionStringBuilder(ConnectionString).Password ?? "";

    /// <summary>The connection string with the password left out.</summary>
    public string ConnectionStringWithout(string keyword)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        builder.Remove(keyword);
        return builder.ConnectionString;
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("VIS_POSTGRES_CONNECTION") is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }
        var script = Path.Combine(RepoPaths.Root, "eng", "postgres", "cluster.sh");
        var (code, output, error) = await RunAsync("bash", [script, "start", "--owner-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("dir=", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            throw new InvalidOperationException($"Could not start the test PostgreSQL server ({script} exited with {code}):\n{error}\n{output}");
        }
        var parts = line.Split(' ', 3);
        _folder = parts[0]["dir=".Length..];
        ConnectionString = parts[2]["connection=".Length..].Trim();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_folder is not null)
        {
            await RunAsync("bash", [Path.Combine(RepoPaths.Root, "eng", "postgres", "cluster.sh"), "stop", _folder]);
        }
    }

    /// <summary>Runs one SQL statement as the server's superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one SQL query and returns its first value.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}

/// <summary>Every test class that needs the server belongs to this collection, so one server serves them all.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "postgres";
}
