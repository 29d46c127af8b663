using Npgsql;

namespace VectorImageSearch.Postgres.Internal;

/// <summary>
/// The store's own tables in a schema and their migrations. <c>vis_schema_version</c> holds one row per applied
/// migration; every open applies the missing ones, in order, in the open's transaction, under an advisory lock, so
/// processes that open at once neither race nor see half a migration. A database migrated by a newer library is refused.
/// </summary>
internal static class SchemaMigrations
{
    public const string VersionTable = "vis_schema_version";
    public const string CollectionsTable = "vis_collections";

    /// <summary>The lock every open takes for the length of its transaction (pg_advisory_xact_lock's key space is shared per database).</summary>
    public const long AdvisoryLockKey = 0x5649_535F_5047_0001; // "VIS_PG" + 1

    private static readonly (int Version, string Description, Func<string, string> Sql)[] All =
    [
        (1, "pgvector extension and the collections table", schema => $"""
            CREATE EXTENSION IF NOT EXISTS vector;
            CREATE TABLE {schema}.{CollectionsTable} (
                name text COLLATE "C" PRIMARY KEY,
                model_fingerprint text NOT NULL,
                dimension integer NOT NULL CHECK (dimension > 0),
                index_kind text NOT NULL,
                distance text NOT NULL,
                created_utc timestamptz NOT NULL DEFAULT now());
            """),
    ];

    /// <summary>The schema version this library creates and understands.</summary>
    public static int LatestVersion => All[^1].Version;

    public static bool IsReservedTableName(string name) => name is VersionTable or CollectionsTable;

    /// <summary>Creates the schema and applies the missing migrations inside <paramref name="transaction"/>; returns the version before.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schemaName, CancellationToken cancellationToken)
    {
        var schema = SqlIdentifier.Quote(schemaName);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var command = new NpgsqlCommand($"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.{VersionTable} (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_utc timestamptz NOT NULL DEFAULT now());
            """, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        int current;
        await using (var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.{VersionTable}", connection, transaction))
        {
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"Schema '{schemaName}' is at version {current}, newer than this library understands ({LatestVersion}); update VectorImageSearch.Postgres.");
        }
        foreach (var (version, description, sql) in All)
        {
            if (version <= current)
            {
                continue;
            }
            await using (var command = new NpgsqlCommand(sql(schema), connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var command = new NpgsqlCommand($"INSERT INTO {schema}.{VersionTable} (version, description) VALUES ($1, $2)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = description });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return current;
    }
}
