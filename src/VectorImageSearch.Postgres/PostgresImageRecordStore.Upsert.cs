using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using VectorImageSearch.Postgres.Internal;

namespace VectorImageSearch.Postgres;

public sealed partial class PostgresImageRecordStore
{
    /// <inheritdoc />
    /// <remarks>
    /// One transaction per batch: the records are copied (binary COPY) into a temporary table, then merged into the
    /// collection by key (a replaced record keeps its id; a new one takes the next id of the table's sequence). Rows are
    /// merged in key order, so concurrent batches that share keys wait for each other instead of deadlocking.
    /// </remarks>
    /// <exception cref="ArgumentException">A record is invalid (named by its index and key); nothing was written.</exception>
    public async Task<IReadOnlyList<long>> UpsertAsync(IReadOnlyList<ImageRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sql = Opened();
        RecordValidation.Batch(records, _dimension);
        if (records.Count == 0)
        {
            return [];
        }
        var started = Stopwatch.GetTimestamp();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var command = new NpgsqlCommand(CollectionSql.CreateBatchTable, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var writer = await connection.BeginBinaryImportAsync(CollectionSql.CopyBatch, cancellationToken).ConfigureAwait(false))
            {
                foreach (var record in records)
                {
                    await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(new Vector(record.Vector), cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.ContentHash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(record.SizeBytes, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    if (RecordValidation.Utc(record.LastWriteUtc) is { } written)
                    {
                        await writer.WriteAsync(written, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    await writer.WriteAsync(MetadataJson.Serialize(record.Metadata), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                }
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            var ids = new Dictionary<string, long>(records.Count, StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand(sql.Merge, connection, transaction))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids[reader.GetString(1)] = reader.GetInt64(0);
                }
            }
            // The last moment a cancellation may stop the batch; once COMMIT is sent, it completes.
            cancellationToken.ThrowIfCancellationRequested();
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            var result = new long[records.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = ids[records[i].Key];
            }
            Log.Upserted(_logger, Location, records.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.UpsertFailed(_logger, Location, records.Count, e);
            throw;
        }
    }
}
