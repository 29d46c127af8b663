using VectorImageSearch.Faiss;
using VectorImageSearch.Postgres;
using VectorImageSearch.Postgres.Tests;
using VectorImageSearch.Tests.StoreConformance;
using VectorImageSearch.VectorData.Adapter;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>
/// The store conformance suite (every IImageRecordStore's contract) against UseVectorStore's adapter over a
/// FaissVectorStore collection: records, filters, ids, ordering and atomic batches survive the trip through
/// Microsoft.Extensions.VectorData and back.
/// </summary>
public sealed class FaissAdapterConformanceTests : StoreConformanceTests, IDisposable
{
    private readonly FaissVectorStore _vectorStore = new(new FaissImageStoreOptions { IndexSpec = "Flat" });

    public void Dispose() => _vectorStore.Dispose();

    protected override Task<IImageRecordStore> CreateStoreAsync(string collection) =>
        Task.FromResult<IImageRecordStore>(new VectorStoreImageRecordStore(_vectorStore, collection));
}

/// <summary>The store conformance suite against the same adapter over a PostgresVectorStore collection (a real server).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAdapterConformanceTests(PostgresServer server) : StoreConformanceTests, IDisposable
{
    private readonly PostgresVectorStore _vectorStore = new(new PostgresImageStoreOptions
    {
        ConnectionString = server.ConnectionString,
        Schema = "vectordata_conformance",
        DefaultSearch = new PgvectorSearchParameters { Exact = true },
    });

    public void Dispose() => _vectorStore.Dispose();

    protected override Task<IImageRecordStore> CreateStoreAsync(string collection) =>
        Task.FromResult<IImageRecordStore>(new VectorStoreImageRecordStore(_vectorStore, collection));
}
