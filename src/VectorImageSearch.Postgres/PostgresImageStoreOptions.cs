using Npgsql;

namespace VectorImageSearch.Postgres;

/// <summary>Where and how <see cref="PostgresImageRecordStore"/> keeps a collection.</summary>
public sealed class PostgresImageStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>); the store builds and owns its data
    /// source. Set this or <see cref="DataSource"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A data source the application owns (built with <c>UseVector()</c> from Pgvector.Npgsql); the store uses it and
    /// never disposes it. Set this or <see cref="ConnectionString"/>.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>The PostgreSQL schema that holds the store's tables (created when missing); default <c>vector_image_search</c>.</summary>
    public string Schema { get; set; } = "vector_image_search";

    /// <summary>The collection, which is also its table's name; default <c>images</c>.</summary>
    public string Collection { get; set; } = "images";

    /// <summary>The vector index a new collection gets.</summary>
    public PgvectorIndexOptions Index { get; set; } = new();

    /// <summary>The search parameters used where a search gives none (or leaves one of them unset).</summary>
    public PgvectorSearchParameters DefaultSearch { get; set; } = new() { EfSearch = 40, Probes = 10 };

    internal void Validate()
    {
        if ((ConnectionString is null) == (DataSource is null))
        {
            throw new ArgumentException("Set exactly one of ConnectionString and DataSource.", nameof(PostgresImageStoreOptions));
        }
        if (ConnectionString is not null && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("ConnectionString is empty.", nameof(ConnectionString));
        }
        Internal.SqlIdentifier.Validate(Schema, nameof(Schema));
        Internal.SqlIdentifier.Validate(Collection, nameof(Collection));
        if (Internal.SchemaMigrations.IsReservedTableName(Collection))
        {
            throw new ArgumentException($"Collection '{Collection}' is the name of one of the store's own tables; choose another.", nameof(Collection));
        }
        ArgumentNullException.ThrowIfNull(Index, nameof(Index));
        Index.Validate();
        ArgumentNullException.ThrowIfNull(DefaultSearch, nameof(DefaultSearch));
        DefaultSearch.Validate(nameof(DefaultSearch));
    }
}
