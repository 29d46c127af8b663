using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;
using Pgvector.Npgsql;
using VectorImageSearch.Postgres.Internal;

namespace VectorImageSearch.Postgres;

/// <summary>
/// An <see cref="IImageRecordStore"/> in PostgreSQL with pgvector: one table per collection, shared by every process and
/// machine that opens it. The library creates and migrates its schema; each batch is ingested by binary COPY and merged
/// in one transaction, so a search sees a batch entirely or not at all.
/// </summary>
/// <remarks>
/// Vectors are stored as <c>vector(d)</c>, metadata as <c>jsonb</c>; the collection's model fingerprint and dimension
/// are kept in <c>vis_collections</c> and a mismatch is refused. Connection strings and passwords are never logged.
/// </remarks>
public sealed partial class PostgresImageRecordStore : IImageRecordStore, IDisposable
{
    private readonly PostgresImageStoreOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ILogger _logger;
    private CollectionSql? _sql;
    private int _dimension;

    /// <summary>Creates the store; nothing is sent to the server before <see cref="OpenAsync"/>.</summary>
    /// <param name="options">The connection, schema, collection and index.</param>
    /// <param name="loggerFactory">Logs of the store and of the data source it builds; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">The options are incomplete or name an invalid schema or collection.</exception>
    public PostgresImageRecordStore(PostgresImageStoreOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<PostgresImageRecordStore>();
        if (options.DataSource is { } dataSource)
        {
            _dataSource = dataSource;
        }
        else
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            // The store leaves no session state on its connections (settings are transaction-local, the batch table is
            // dropped at commit), so the DISCARD ALL that Npgsql would send with each pooled connection's next use is
            // pure cost; the application's own data sources keep their setting.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            builder.UseVector();
            builder.UseLoggerFactory(loggerFactory);
            _dataSource = builder.Build();
            _ownsDataSource = true;
        }
        Location = DescribeLocation(_dataSource.ConnectionString, options.Schema, options.Collection);
    }

    /// <summary>Creates the store from options bound by the options pattern.</summary>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">Logs of the store and of the data source it builds.</param>
    public PostgresImageRecordStore(IOptions<PostgresImageStoreOptions> options, ILoggerFactory? loggerFactory = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, loggerFactory)
    {
    }

    /// <summary>Where the collection is, without credentials: <c>postgresql://host:port/database#schema.collection</c>.</summary>
    public string Location { get; }

    /// <inheritdoc />
    public async Task OpenAsync(string modelFingerprint, int dimension, CancellationToken cancellationToken = default)
    {
        var schema = ImageStoreSchema.Of(modelFingerprint, dimension);
        RecordValidation.Text(modelFingerprint, "The model fingerprint", nameof(modelFingerprint));
        if (dimension > 2000)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "pgvector indexes vectors of 1 to 2,000 dimensions.");
        }
        if (_sql is not null)
        {
            throw new InvalidOperationException($"The store {Location} is already open.");
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var before = await SchemaMigrations.MigrateAsync(connection, transaction, _options.Schema, cancellationToken).ConfigureAwait(false);
        if (before != SchemaMigrations.LatestVersion)
        {
            Log.Migrated(_logger, Location, before, SchemaMigrations.LatestVersion);
        }
        var schemaSql = SqlIdentifier.Quote(_options.Schema);
        PgvectorIndexKind kind;
        PgvectorDistance distance;
        var exists = false;
        await using (var command = new NpgsqlCommand(
            $"SELECT model_fingerprint, dimension, index_kind, distance FROM {schemaSql}.{SchemaMigrations.CollectionsTable} WHERE name = $1",
            connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.Collection });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var fingerprint = reader.GetString(0);
                var storedDimension = reader.GetInt32(1);
                if (!string.Equals(fingerprint, schema.ModelFingerprint, StringComparison.Ordinal))
                {
                    throw new ImageStoreCompatibilityException(Location,
                        $"it holds vectors of model '{fingerprint}' ({storedDimension} dimensions), not of model '{schema.ModelFingerprint}' ({schema.Dimension} dimensions).");
                }
                if (storedDimension != schema.Dimension)
                {
                    throw new ImageStoreCompatibilityException(Location,
                        $"it holds vectors of {storedDimension} dimensions, not {schema.Dimension} (model '{fingerprint}').");
                }
                exists = true;
                kind = Enum.Parse<PgvectorIndexKind>(reader.GetString(2));
                distance = Enum.Parse<PgvectorDistance>(reader.GetString(3));
                if (kind != _options.Index.Kind || distance != _options.Index.Distance)
                {
                    Log.IndexDiffers(_logger, Location, kind, distance, _options.Index.Kind, _options.Index.Distance);
                }
            }
            else
            {
                kind = _options.Index.Kind;
                distance = _options.Index.Distance;
            }
        }
        var sql = new CollectionSql(_options.Schema, _options.Collection, kind, distance);
        if (!exists)
        {
            await using (var command = new NpgsqlCommand(sql.CreateTable(schema.Dimension, _options.Index), connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var command = new NpgsqlCommand(
                $"INSERT INTO {schemaSql}.{SchemaMigrations.CollectionsTable} (name, model_fingerprint, dimension, index_kind, distance) VALUES ($1, $2, $3, $4, $5)",
                connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.Collection });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema.ModelFingerprint });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = schema.Dimension });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind.ToString() });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = distance.ToString() });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // The vector type may be new to this data source (the extension created just now, here or by another process).
        await connection.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
        await EnsureVectorMappingAsync(connection, cancellationToken).ConfigureAwait(false);
        _dimension = schema.Dimension;
        _sql = sql;
        Log.Opened(_logger, Location, exists ? "opened" : "created", schema.Dimension, kind, distance);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var sql = Opened();
        await using var command = _dataSource.CreateCommand(sql.Count);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<int> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var sql = Opened();
        if (keys.Count == 0)
        {
            return 0;
        }
        var array = keys.ToArray();
        for (var i = 0; i < array.Length; i++)
        {
            RecordValidation.Text(array[i], $"Key {i}", nameof(keys));
        }
        await using var command = _dataSource.CreateCommand(sql.Delete);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = array });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Log.Deleted(_logger, Location, deleted, array.Length);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<ImageRecord?> GetAsync(string key, bool includeVector = false, CancellationToken cancellationToken = default)
    {
        RecordValidation.Text(key, "The key", nameof(key));
        var sql = Opened();
        await using var command = _dataSource.CreateCommand(includeVector ? sql.GetWithVector : sql.Get);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var record = ReadRecord(reader);
        return includeVector ? record with { Vector = reader.GetFieldValue<Vector>(6).Memory } : record;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ImageRecord> ListAsync(string? keyPrefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sql = Opened();
        if (keyPrefix is not null)
        {
            RecordValidation.Text(keyPrefix, "The key prefix", nameof(keyPrefix), allowEmpty: true);
        }
        await using var command = _dataSource.CreateCommand(keyPrefix is null ? sql.ListAll : sql.ListPrefix);
        if (keyPrefix is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyPrefix });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadRecord(reader);
        }
    }

    /// <inheritdoc />
    /// <remarks>Every batch is committed durably by PostgreSQL; nothing is left to do.</remarks>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Opened();
        return Task.CompletedTask;
    }

    /// <summary>Disposes the data source the store built from a connection string (never one the application gave).</summary>
    /// <remarks>A container disposed synchronously calls this one.</remarks>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>Disposes the data source the store built from a connection string (never one the application gave).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private CollectionSql Opened() =>
        _sql ?? throw new InvalidOperationException($"The store {Location} is not open; call OpenAsync first.");

    private static ImageRecord ReadRecord(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Key = reader.GetString(1),
        ContentHash = reader.GetString(2),
        SizeBytes = reader.GetInt64(3),
        LastWriteUtc = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTime>(4),
        Metadata = MetadataJson.Deserialize(reader.GetString(5)),
    };

    // A data source the application built without UseVector() cannot send vectors; say so before anything is written.
    private async Task EnsureVectorMappingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT $1::vector", connection);
            command.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(new float[] { 1f }) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _ = reader.GetFieldValue<Vector>(0);
        }
        catch (Exception e) when (e is InvalidCastException or NotSupportedException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The NpgsqlDataSource for {Location} cannot send pgvector vectors: build it with NpgsqlDataSourceBuilder.UseVector() (Pgvector.Npgsql).", e);
        }
    }

    private static string DescribeLocation(string connectionString, string schema, string collection)
    {
        // NpgsqlDataSource.ConnectionString already omits the password; the builder keeps only what names the place.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}#{schema}.{collection}";
    }
}
