using VectorImageSearch.Tests.StoreConformance;

namespace VectorImageSearch.Faiss.Tests.Store;

/// <summary>
/// The store conformance suite against the FAISS folder store ("Auto": an exact Flat index at the suite's sizes), one
/// index folder per collection, so two stores created for one collection reach the same folder as two runs would.
/// </summary>
public sealed class FaissConformanceTests : StoreConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vis-faiss-conformance-" + Guid.NewGuid().ToString("N"));

    /// <summary>HNSW cannot replace a vector in place, so the folder store gives a record with a new vector a new id.</summary>
    protected override bool KeepsIdWhenTheVectorChanges => false;

    protected override Task<IImageRecordStore> CreateStoreAsync(string collection) =>
        Task.FromResult<IImageRecordStore>(new FaissImageStore(new FaissImageStoreOptions { Path = Path.Combine(_root, collection) }));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
