namespace VectorImageSearch;

/// <summary>
/// Where the image search keeps its image records: the vector of each image beside its catalog fields (key, content
/// hash, size, modification time, metadata). The facade indexes and searches through this seam only; the FAISS folder
/// store and the PostgreSQL store implement it, and so can any other database.
/// </summary>
/// <remarks>
/// Every member may be called concurrently from several threads. <see cref="OpenAsync"/> is called once, before any other
/// member. Scores are cosine similarities of L2-normalised vectors (1 = same direction), whatever the engine measures.
/// </remarks>
public interface IImageRecordStore : IAsyncDisposable
{
    /// <summary>
    /// Opens the collection for vectors of one model: creates it when it does not exist, otherwise verifies that it holds
    /// vectors of the same model fingerprint and dimension.
    /// </summary>
    /// <param name="modelFingerprint">Identifies the model that makes the vectors (e.g. <see cref="IImageEncoder.ModelFingerprint"/>); vectors of two models are never mixed.</param>
    /// <param name="dimension">The length of every vector (e.g. <see cref="IImageEncoder.Dimension"/>).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="ArgumentException"><paramref name="modelFingerprint"/> is empty or <paramref name="dimension"/> is less than 1.</exception>
    /// <exception cref="ImageStoreCompatibilityException">The collection holds vectors of another model or dimension.</exception>
    Task OpenAsync(string modelFingerprint, int dimension, CancellationToken cancellationToken = default);

    /// <summary>The number of records the store holds now.</summary>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or replaces (by <see cref="ImageRecord.Key"/>) a batch of records, atomically: afterwards either every
    /// record of the batch is visible to searches and lookups, or (on failure or cancellation) none is.
    /// </summary>
    /// <remarks>
    /// A batch holds each key once: a key twice is refused with <see cref="ArgumentException"/> before anything is
    /// written (which of the two should win is not for the store to guess). A replaced record keeps its id when its
    /// vector is unchanged (a file touched on disk), in every store; when its vector changes, a store keeps the id where
    /// its engine can replace a vector in place (PostgreSQL does) and gives a new one otherwise (the FAISS folder store,
    /// whose HNSW index cannot remove a vector). The key is the stable handle of a record; the id names one version of it.
    /// </remarks>
    /// <param name="records">The records; their <see cref="ImageRecord.Id"/> is ignored and each <see cref="ImageRecord.Vector"/> must be L2-normalised and of the collection's dimension.</param>
    /// <param name="cancellationToken">Stops the call before the batch commits.</param>
    /// <returns>The id the store gave each record, in the order of <paramref name="records"/>.</returns>
    /// <exception cref="ArgumentException">A record is invalid, or a key occurs twice in the batch; nothing was written.</exception>
    Task<IReadOnlyList<long>> UpsertAsync(IReadOnlyList<ImageRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Deletes the records with these keys, atomically; unknown keys are ignored.</summary>
    /// <param name="keys">The keys to delete.</param>
    /// <param name="cancellationToken">Stops the call before the deletion commits.</param>
    /// <returns>How many records were deleted.</returns>
    Task<int> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);

    /// <summary>The record with this key, or <see langword="null"/> when there is none.</summary>
    /// <param name="key">The record's key.</param>
    /// <param name="includeVector">Whether to return the vector too (<see cref="ImageRecord.Vector"/> is empty otherwise).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<ImageRecord?> GetAsync(string key, bool includeVector = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// The records whose key starts with <paramref name="keyPrefix"/> (every record when it is <see langword="null"/>),
    /// without vectors, as the store holds them when the enumeration starts, in ordinal key order (by Unicode code point,
    /// which is the order of the keys' UTF-8 bytes and PostgreSQL's <c>COLLATE "C"</c>). Incremental indexing compares
    /// them with a folder on disk.
    /// </summary>
    /// <param name="keyPrefix">A key prefix, such as a folder path ending in a separator; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<ImageRecord> ListAsync(string? keyPrefix = null, CancellationToken cancellationToken = default);

    /// <summary>The records nearest to <paramref name="query"/>, best first, restricted and tuned by <paramref name="options"/>.</summary>
    /// <param name="query">An L2-normalised query vector of the collection's dimension.</param>
    /// <param name="options">How many results (<see cref="ImageStoreSearchOptions.K"/>, 1 to <see cref="ImageStoreSearchOptions.MaxK"/>), the least score, the filter and the engine's own parameters.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ImageStoreSearchOptions.K"/> is below 1 or above <see cref="ImageStoreSearchOptions.MaxK"/>.</exception>
    Task<IReadOnlyList<ImageRecordMatch>> SearchAsync(ReadOnlyMemory<float> query, ImageStoreSearchOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes every committed batch durable where the store keeps it (a store that commits each batch durably, such as a
    /// database, has nothing left to do).
    /// </summary>
    /// <param name="cancellationToken">Stops the call; what was durable before stays durable.</param>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
