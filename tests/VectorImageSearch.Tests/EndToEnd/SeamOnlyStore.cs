namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// A store the engine knows only through <see cref="IImageRecordStore"/>: every call goes to the store behind it (which
/// the test disposes), so the engine takes the paths any third-party store gets, not the FAISS store's own.
/// </summary>
internal class SeamOnlyStore(IImageRecordStore inner) : IImageRecordStore
{
    public Task OpenAsync(string modelFingerprint, int dimension, CancellationToken cancellationToken = default) => inner.OpenAsync(modelFingerprint, dimension, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

    public Task<IReadOnlyList<long>> UpsertAsync(IReadOnlyList<ImageRecord> records, CancellationToken cancellationToken = default) => inner.UpsertAsync(records, cancellationToken);

    public Task<int> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);

    public Task<ImageRecord?> GetAsync(string key, bool includeVector = false, CancellationToken cancellationToken = default) => inner.GetAsync(key, includeVector, cancellationToken);

    public IAsyncEnumerable<ImageRecord> ListAsync(string? keyPrefix = null, CancellationToken cancellationToken = default) => inner.ListAsync(keyPrefix, cancellationToken);

    public Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken = default) =>
        inner.SearchAsync(query, options, cancellationToken);

    public virtual Task FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
