using System.CommandLine;

namespace VectorImageSearch.Samples.Cli;

/// <summary>
/// <c>--store faiss|postgres</c>, <c>--connection</c> and <c>--collection</c>, shared by <c>index</c> and <c>search</c>:
/// the same command line indexes into the FAISS folder or into a PostgreSQL collection.
/// </summary>
internal sealed class StoreOptions
{
    /// <summary>The environment variable the connection string is read from when <c>--connection</c> is not given.</summary>
    public const string ConnectionVariable = "VIS_POSTGRES_CONNECTION";

    /// <summary>The collection used when none is given.</summary>
    public const string DefaultCollection = "images";

    public Option<string?> Store { get; } = new("--store")
    {
        Description = "Where the records live: faiss (in the --index folder; the default) or postgres (a shared database; --index then keeps only the CLI's settings).",
    };

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = $"The PostgreSQL connection string (default: the environment variable {ConnectionVariable}, which other users' `ps` cannot see).",
    };

    public Option<string?> Collection { get; } = new("--collection") { Description = $"The PostgreSQL collection (default: {DefaultCollection})." };

    public IEnumerable<Option> All => [Store, Connection, Collection];

    public StoreOptions()
    {
        Store.AcceptOnlyFromAmong("faiss", "postgres", "Faiss", "Postgres");
    }

    /// <summary>The store asked for on the command line, else the one <paramref name="previous"/> recorded, else FAISS.</summary>
    public (string Store, string? Collection) Resolve(ParseResult parse, CliIndexSettings? previous)
    {
        var store = parse.GetValue(Store) is { } s
            ? (string.Equals(s, "postgres", StringComparison.OrdinalIgnoreCase) ? CliIndexSettings.Postgres : CliIndexSettings.Faiss)
            : previous?.Store ?? CliIndexSettings.Faiss;
        var collection = store == CliIndexSettings.Postgres ? parse.GetValue(Collection) ?? previous?.Collection ?? DefaultCollection : null;
        return (store, collection);
    }

    /// <summary>The connection string: <c>--connection</c>, else the environment variable.</summary>
    public string? ConnectionString(ParseResult parse) =>
        parse.GetValue(Connection) ?? Environment.GetEnvironmentVariable(ConnectionVariable);
}
