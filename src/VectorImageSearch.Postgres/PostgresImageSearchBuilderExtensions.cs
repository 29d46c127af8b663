using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VectorImageSearch.Postgres;

namespace VectorImageSearch;

/// <summary>
/// Keeps an image search collection in PostgreSQL with pgvector (<see cref="PostgresImageRecordStore"/>), chosen in code
/// (<c>UsePostgres</c>) or by configuration (<c>"Store": "Postgres"</c> after <see cref="AddPostgresStoreKind"/>).
/// </summary>
public static class PostgresImageSearchBuilderExtensions
{
    /// <summary>The store kind name configuration uses: <c>"ImageSearch": { "Store": "Postgres", "Postgres": { … } }</c>.</summary>
    public const string StoreKind = "Postgres";

    /// <summary>
    /// Keeps the collection's image records in PostgreSQL:
    /// <c>services.AddImageSearch().AddClip("models/clip").UsePostgres("Host=db;Database=images;Username=app", o =&gt; o.Collection = "photos")</c>.
    /// The store builds and owns its data source; several processes or machines may open the same collection.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Further options: schema, collection, index, default search parameters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty, or the options are invalid.</exception>
    public static IImageSearchBuilder UsePostgres(this IImageSearchBuilder builder, string connectionString, Action<PostgresImageStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Use(builder, new PostgresImageStoreOptions { ConnectionString = connectionString }, configure);
    }

    /// <summary>
    /// Keeps the collection's image records in PostgreSQL through a data source the application owns (built with
    /// <c>UseVector()</c> from Pgvector.Npgsql); the store never disposes it.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <param name="configure">Further options: schema, collection, index, default search parameters.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IImageSearchBuilder UsePostgres(this IImageSearchBuilder builder, NpgsqlDataSource dataSource, Action<PostgresImageStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Use(builder, new PostgresImageStoreOptions { DataSource = dataSource }, configure);
    }

    /// <summary>
    /// Lets configuration choose PostgreSQL: with this registered, a collection bound from a section whose <c>Store</c>
    /// is <c>"Postgres"</c> keeps its records in the database its <c>Postgres</c> sub-section names
    /// (<c>ConnectionString</c>, <c>Schema</c>, <c>Collection</c>, <c>Index</c>: <c>Kind</c>, <c>Distance</c>, <c>M</c>,
    /// <c>EfConstruction</c>, <c>Lists</c>; <c>DefaultSearch</c>: <c>EfSearch</c>, <c>Probes</c>, <c>Exact</c>):
    /// <c>services.AddImageSearch(configuration.GetSection("ImageSearch")).AddPostgresStoreKind()</c>. A section that
    /// says <c>"Store": "Faiss"</c> (or nothing) keeps the FAISS folder store, so an application switches by configuration alone.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPostgresStoreKind(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddImageStoreKind(StoreKind, (provider, name, section) =>
            new PostgresImageRecordStore(FromConfiguration(section, name), provider.GetService<ILoggerFactory>()));
    }

    private static IImageSearchBuilder Use(IImageSearchBuilder builder, PostgresImageStoreOptions options, Action<PostgresImageStoreOptions>? configure)
    {
        configure?.Invoke(options);
        options.Validate();
        var snapshot = Copy(options);
        return builder.UseStore(provider => new PostgresImageRecordStore(snapshot, provider.GetService<ILoggerFactory>()));
    }

    private static PostgresImageStoreOptions FromConfiguration(IConfiguration? section, string? name)
    {
        var collection = name is null ? "the image search" : $"image search '{name}'";
        if (section is null)
        {
            throw new InvalidOperationException(
                $"The store of {collection} is \"{StoreKind}\", but it was not bound from configuration, so there is no {StoreKind} section to read: " +
                "bind it (AddImageSearch(configuration) or Bind(section)) or choose the store in code with UsePostgres(connectionString).");
        }
        var where = section is IConfigurationSection s ? s.Path : StoreKind;
        var options = new PostgresImageStoreOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The configuration section '{where}' of {collection} could not be read: {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException($"The configuration section '{where}' of {collection} has no ConnectionString ('{where}:ConnectionString').");
        }
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The configuration section '{where}' of {collection} is invalid: {e.Message}", e);
        }
        return options;
    }

    // The application may change its options object after the call; the store keeps what it was given then.
    private static PostgresImageStoreOptions Copy(PostgresImageStoreOptions options) => new()
    {
        ConnectionString = options.ConnectionString,
        DataSource = options.DataSource,
        Schema = options.Schema,
        Collection = options.Collection,
        Index = options.Index,
        DefaultSearch = options.DefaultSearch,
    };
}
