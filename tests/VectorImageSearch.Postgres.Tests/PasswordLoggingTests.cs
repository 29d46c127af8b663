using Microsoft.Extensions.Logging;
using Npgsql;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>The password of the connection string appears in no log line, exception or location, whatever happens.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PasswordLoggingTests(PostgresServer server)
{
    [Fact]
    public async Task The_password_is_never_logged()
    {
        var password = server.Password;
        Assert.True(password.Length >= 8, "the test server must use a password");
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        var texts = new List<string>();
        var collection = "c_" + Guid.NewGuid().ToString("N");
        var options = new PostgresImageStoreOptions { ConnectionString = server.ConnectionString, Schema = "secrets", Collection = collection };
        await using (var store = new PostgresImageRecordStore(options, factory))
        {
            texts.Add(store.Location);
            await store.OpenAsync("m", 4);
            await store.UpsertAsync([PostgresStoreTests.Record("/a.jpg", [1, 0, 0, 0])]);
            await store.SearchAsync(new float[] { 1, 0, 0, 0 }, new ImageStoreSearchOptions { K = 3 });
            await store.DeleteAsync(["/a.jpg"]);
            await server.ExecuteAsync($"ALTER TABLE secrets.{collection} ADD CONSTRAINT no_b CHECK (key <> '/b.jpg')");
            texts.Add((await Assert.ThrowsAsync<PostgresException>(() => store.UpsertAsync([PostgresStoreTests.Record("/b.jpg", [0, 1, 0, 0])]))).ToString());
        }
        await using (var other = new PostgresImageRecordStore(new PostgresImageStoreOptions { ConnectionString = server.ConnectionString, Schema = "secrets", Collection = collection }, factory))
        {
            texts.Add((await Assert.ThrowsAsync<ImageStoreCompatibilityException>(() => other.OpenAsync("other", 4))).ToString());
        }
        // A wrong password: the failure must name neither the wrong one nor the right one.
        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "Wrong" + password };
        await using (var denied = new PostgresImageRecordStore(new PostgresImageStoreOptions { ConnectionString = wrong.ConnectionString, Schema = "secrets", Collection = collection }, factory))
        {
            texts.Add(denied.Location);
            texts.Add((await Assert.ThrowsAnyAsync<NpgsqlException>(() => denied.OpenAsync("m", 4))).ToString());
        }
        texts.AddRange(capture.Lines);
        Assert.Contains(capture.Lines, l => l.Contains("created", StringComparison.Ordinal) && l.Contains(collection, StringComparison.Ordinal));
        Assert.Contains(capture.Lines, l => l.Contains("rolled back", StringComparison.Ordinal));
        Assert.Contains(capture.Lines, l => l.Contains("Npgsql", StringComparison.Ordinal)); // Npgsql's own logs are captured too
        Assert.All(texts, t => Assert.DoesNotContain(password, t, StringComparison.Ordinal));
    }
}
