using VectorImageSearch.Tests.StoreConformance;

namespace VectorImageSearch.Postgres.Tests;

/// <summary>
/// The store conformance suite against pgvector HNSW. The suite's sets hold at most a few hundred vectors (live and
/// replaced), fewer than ef_search = 1000, so the HNSW search visits every vector and must be exact.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHnswConformanceTests(PostgresServer server) : StoreConformanceTests
{
    protected override StoreSearchParameters? SearchParameters => new PgvectorSearchParameters { EfSearch = 1000 };

    protected override Task<IImageRecordStore> CreateStoreAsync(string collection) =>
        Task.FromResult<IImageRecordStore>(new PostgresImageRecordStore(new PostgresImageStoreOptions
        {
            ConnectionString = server.ConnectionString,
            Schema = "conformance",
            Collection = collection,
        }));
}

/// <summary>
/// The store conformance suite against pgvector IVFFlat with inner product; probes = lists visits every list, so the
/// search must be exact.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIvfFlatConformanceTests(PostgresServer server) : StoreConformanceTests
{
    protected override StoreSearchParameters? SearchParameters => new PgvectorSearchParameters { Probes = 4 };

    protected override Task<IImageRecordStore> CreateStoreAsync(string collection) =>
        Task.FromResult<IImageRecordStore>(new PostgresImageRecordStore(new PostgresImageStoreOptions
        {
            ConnectionString = server.ConnectionString,
            Schema = "conformance",
            Collection = collection,
            Index = new PgvectorIndexOptions { Kind = PgvectorIndexKind.IvfFlat, Distance = PgvectorDistance.InnerProduct, Lists = 4 },
        }));
}
