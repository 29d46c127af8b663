using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using VectorImageSearch.Postgres.Internal;

namespace VectorImageSearch.Postgres;

public sealed partial class PostgresImageRecordStore
{
    /// <summary>The most results one search may ask for: <see cref="ImageStoreSearchOptions.MaxK"/>, as every store.</summary>
    public const int MaxK = ImageStoreSearchOptions.MaxK;

    /// <inheritdoc />
    /// <remarks>
    /// One round trip: the pgvector settings (<c>hnsw.ef_search</c> or <c>ivfflat.probes</c>) are set with
    /// <c>set_config(…, is_local: true)</c> — <c>SET LOCAL</c> with a parameter — and the query runs in the same implicit
    /// transaction, so the settings end with it. The filter becomes a parameterised WHERE clause (key prefix with
    /// <c>starts_with</c>, metadata with jsonb <c>@&gt;</c>, the modification time as a range). With a filter, pgvector's
    /// iterative index scan is turned on so that rows the filter drops are replaced by further neighbours (up to
    /// pgvector's <c>max_scan_tuples</c>); <see cref="PgvectorSearchParameters.Exact"/> skips the index instead.
    /// <see cref="ImageStoreSearchOptions.MinScore"/> drops results after the nearest are chosen.
    /// </remarks>
    public async Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sql = Opened();
        RecordValidation.Query(query.Span, _dimension);
        if (options.K is < 1 or > MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K, $"K must be between 1 and {MaxK}.");
        }
        if (options.MinScore is { } min && !float.IsFinite(min))
        {
            throw new ArgumentOutOfRangeException(nameof(options), min, "MinScore must be a finite number.");
        }
        var engine = options.EngineParameters switch
        {
            null => null,
            PgvectorSearchParameters p => p,
            var other => throw new ArgumentException(
                $"EngineParameters of type {other.GetType().Name} belong to another store; the PostgreSQL store takes {nameof(PgvectorSearchParameters)}.", nameof(options)),
        };
        engine?.Validate(nameof(options));

        await using var batch = _dataSource.CreateBatch();
        var exact = engine?.Exact ?? _options.DefaultSearch.Exact ?? false;
        var filtered = options.Filter is not null && HasCondition(options.Filter);
        batch.BatchCommands.Add(Settings(sql.Kind, engine, exact, filtered));

        var select = new NpgsqlBatchCommand();
        select.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(query) });
        var text = new StringBuilder(sql.SearchSelect);
        if (filtered)
        {
            AppendFilter(text, select.Parameters, options.Filter!);
        }
        select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.K });
        text.Append(CultureInfo.InvariantCulture, $" ORDER BY embedding {sql.Operator} $1 LIMIT ${select.Parameters.Count}");
        select.CommandText = text.ToString();
        batch.BatchCommands.Add(select);

        var matches = new List<ImageRecordMatch>(Math.Min(options.K, 1024));
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the settings row
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var score = sql.ScoreOf(reader.GetDouble(6));
                if (options.MinScore is { } least && score < least)
                {
                    continue;
                }
                matches.Add(new ImageRecordMatch(ReadRecord(reader), score));
            }
        }
        // An iterative IVFFlat scan returns neighbours in relaxed order; every result leaves best first.
        matches.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        return matches;
    }

    private NpgsqlBatchCommand Settings(PgvectorIndexKind kind, PgvectorSearchParameters? engine, bool exact, bool filtered)
    {
        var command = new NpgsqlBatchCommand();
        if (exact)
        {
            command.CommandText = "SELECT set_config('enable_indexscan', 'off', true)";
            return command;
        }
        string value;
        if (kind == PgvectorIndexKind.Hnsw)
        {
            value = (engine?.EfSearch ?? _options.DefaultSearch.EfSearch ?? 40).ToString(CultureInfo.InvariantCulture);
            command.CommandText = "SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', $2, true)";
        }
        else
        {
            value = (engine?.Probes ?? _options.DefaultSearch.Probes ?? 10).ToString(CultureInfo.InvariantCulture);
            command.CommandText = "SELECT set_config('ivfflat.probes', $1, true), set_config('ivfflat.iterative_scan', $2, true)";
        }
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        var iterative = !filtered ? "off" : kind == PgvectorIndexKind.Hnsw ? "strict_order" : "relaxed_order";
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = iterative });
        return command;
    }

    private static bool HasCondition(ImageRecordFilter filter) =>
        filter.KeyPrefix is not null || filter.Metadata is not null || filter.ModifiedFromUtc is not null || filter.ModifiedBeforeUtc is not null;

    private static void AppendFilter(StringBuilder text, NpgsqlParameterCollection parameters, ImageRecordFilter filter)
    {
        var and = " WHERE ";
        if (filter.KeyPrefix is { } prefix)
        {
            RecordValidation.Text(prefix, "The filter's KeyPrefix", nameof(filter), allowEmpty: true);
            parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
            text.Append(CultureInfo.InvariantCulture, $"{and}starts_with(key, ${parameters.Count})");
            and = " AND ";
        }
        if (filter.Metadata is { } metadata)
        {
            foreach (var (name, value) in metadata)
            {
                RecordValidation.Text(name, "A filter metadata name", nameof(filter), allowEmpty: true);
                RecordValidation.Text(value, $"The filter metadata value of '{name}'", nameof(filter), allowEmpty: true);
            }
            parameters.Add(new NpgsqlParameter { Value = MetadataJson.Serialize(metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
            text.Append(CultureInfo.InvariantCulture, $"{and}metadata @> ${parameters.Count}");
            and = " AND ";
        }
        if (RecordValidation.Utc(filter.ModifiedFromUtc) is { } from)
        {
            parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            text.Append(CultureInfo.InvariantCulture, $"{and}last_write_utc >= ${parameters.Count}");
            and = " AND ";
        }
        if (RecordValidation.Utc(filter.ModifiedBeforeUtc) is { } before)
        {
            parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = before, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            text.Append(CultureInfo.InvariantCulture, $"{and}last_write_utc < ${parameters.Count}");
        }
    }
}
