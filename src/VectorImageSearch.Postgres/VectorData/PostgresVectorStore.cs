using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgvector.Npgsql;
using VectorImageSearch.Postgres.Internal;
using VectorImageSearch.VectorData;

namespace VectorImageSearch.Postgres;

/// <summary>
/// A Microsoft.Extensions.VectorData <see cref="Microsoft.Extensions.VectorData.VectorStore"/> whose collections are
/// <see cref="PostgresImageRecordStore"/> tables: the same records, filters (in SQL), atomic batches and cosine scores as
/// the FAISS collections (VectorImageSearch.Faiss' <c>FaissVectorStore</c>), shared by several processes or machines.
/// </summary>
public sealed class PostgresVectorStore : ImageRecordVectorStore
{
    private readonly PostgresImageStoreOptions _template;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly ILoggerFactory? _loggerFactory;

    /// <summary>Creates the vector store; each collection is a table of <paramref name="storeOptions"/>' schema named after it.</summary>
    /// <param name="storeOptions">The server (connection string or data source), the schema, the index and the default search parameters; its <see cref="PostgresImageStoreOptions.Collection"/> is replaced by each collection's name.</param>
    /// <param name="options">The default embedding generator and the model fingerprint.</param>
    /// <param name="loggerFactory">Logs the stores' work.</param>
    public PostgresVectorStore(PostgresImageStoreOptions storeOptions, ImageRecordVectorStoreOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(storeOptions);
        storeOptions.Validate();
        _template = storeOptions;
        _loggerFactory = loggerFactory;
        if (storeOptions.DataSource is { } dataSource)
        {
            _dataSource = dataSource;
        }
        else
        {
            var builder = new NpgsqlDataSourceBuilder(storeOptions.ConnectionString);
            builder.UseVector();
            _dataSource = builder.Build();
            _ownsDataSource = true;
        }
    }

    /// <inheritdoc />
    protected override string SystemName => "postgresql";

    /// <inheritdoc />
    protected override IImageRecordStore CreateRecordStore(string name) =>
        new PostgresImageRecordStore(new PostgresImageStoreOptions
        {
            // One data source for every collection (the store does not dispose a data source it was given).
            DataSource = _dataSource,
            Schema = _template.Schema,
            Collection = name,
            Index = _template.Index,
            DefaultSearch = _template.DefaultSearch,
        }, _loggerFactory);

    /// <inheritdoc />
    protected override async Task<bool> StoredCollectionExistsAsync(string name, CancellationToken cancellationToken)
    {
        await foreach (var existing in ListStoredCollectionNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (existing == name)
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc />
    protected override async Task DeleteStoredCollectionAsync(string name, CancellationToken cancellationToken)
    {
        var schema = SqlIdentifier.Quote(_template.Schema);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {schema}.{SqlIdentifier.Quote(name)}", connection, transaction))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (await CollectionsTableExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            await using var forget = new NpgsqlCommand($"DELETE FROM {schema}.{SchemaMigrations.CollectionsTable} WHERE name = $1", connection, transaction);
            forget.Parameters.Add(new NpgsqlParameter { Value = name });
            await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<string> ListStoredCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await CollectionsTableExistsAsync(connection, null, cancellationToken).ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(
                    $"SELECT name FROM {SqlIdentifier.Quote(_template.Schema)}.{SchemaMigrations.CollectionsTable} ORDER BY name", connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }
            }
        }
        foreach (var name in names)
        {
            yield return name;
        }
    }

    /// <summary>A collection name is a table name: 1 to 63 lower-case ASCII letters, digits and underscores.</summary>
    /// <param name="name">The collection's name.</param>
    protected override void ValidateCollectionName(string name)
    {
        SqlIdentifier.Validate(name, nameof(name));
        if (SchemaMigrations.IsReservedTableName(name))
        {
            throw new ArgumentException($"The collection name '{name}' is the name of one of the store's own tables; choose another.", nameof(name));
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private async Task<bool> CollectionsTableExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = $"{SqlIdentifier.Quote(_template.Schema)}.{SchemaMigrations.CollectionsTable}" });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
