namespace VectorImageSearch;

/// <summary>
/// Finds images by meaning: index files or images, then search by a sentence, an image, a vector or a compound
/// <see cref="ImageQuery"/>, and find near-duplicate images across the library. <c>services.AddImageSearch()</c>
/// registers it. Searches may run while indexing runs; each sees the index as of the last committed batch.
/// </summary>
public interface IImageSearch : IDisposable
{
    /// <summary>
    /// The number of images in the index. With a database store this waits for the database; prefer
    /// <see cref="CountAsync"/> there.
    /// </summary>
    long Count { get; }

    /// <summary>The number of images in the index, asked of the store without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the question (a database store passes it to the database).</param>
    Task<long> CountAsync(CancellationToken cancellationToken = default) => Task.FromResult(Count);

    /// <summary>
    /// Indexes the image files of <paramref name="directory"/> (recursively and by extension, as the options say).
    /// A second run encodes only new or changed files and drops files that are gone. Bad files are reported in the
    /// result while the run goes on.
    /// </summary>
    /// <remarks>
    /// The folder is walked on a background thread and its files stream into the encoder: the Task is returned at once,
    /// the first images are encoded while a large tree is still being listed, and the token stops the walk too. Each
    /// folder is visited once (by device and inode), so a symbolic link back to a parent cannot loop; folders behind
    /// symbolic links are entered only with <see cref="ImageSearchOptions.FollowSymbolicLinks"/>. Folders that cannot be
    /// read, and files that vanish or change during the run, are reported as failures; files under an unreadable folder
    /// stay indexed. Files gone from the disk are removed once the whole folder has been seen.
    /// </remarks>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled; what was committed stays indexed and consistent.</exception>
    Task<IndexingReport> IndexDirectoryAsync(string directory, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Indexes the given image files; unchanged files already in the index are skipped.</summary>
    Task<IndexingReport> IndexFilesAsync(IEnumerable<string> files, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Adds one image under <paramref name="key"/>, replacing an image with the same key; returns its id.</summary>
    /// <exception cref="ImageDecodeException">The image cannot be decoded.</exception>
    Task<long> AddAsync(ImageInput image, string key, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the image with <paramref name="key"/> (a file's full path, or the key it was added with).</summary>
    /// <returns>Whether an image was removed.</returns>
    Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="k"/> images closest in meaning to <paramref name="text"/>.</summary>
    /// <exception cref="InvalidOperationException">No text encoder is configured (an image-only model).</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int k = 10, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="k"/> images closest to <paramref name="image"/>.</summary>
    /// <exception cref="ImageDecodeException">The query image cannot be decoded.</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(ImageInput image, int k = 10, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="k"/> images closest to an embedding of the index's dimension (normalised before searching).</summary>
    /// <exception cref="ArgumentException">The vector's length is not the index's dimension, or it is zero or not finite.</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> vector, int k = 10, CancellationToken cancellationToken = default);

    /// <summary>The images that best match <paramref name="query"/>, best first.</summary>
    /// <param name="query">Texts, images, negatives, filter, threshold and de-duplication.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <exception cref="ArgumentException">A weight is not positive and finite, K or a threshold is out of range, or the query's vector is zero.</exception>
    /// <exception cref="InvalidOperationException">The query has texts and no text encoder is configured.</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(ImageQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Groups of near-duplicate images in the whole index: two images are linked when their cosine similarity is at least
    /// <paramref name="threshold"/> (each image's neighbours are searched), and a group is a connected set of linked
    /// images. The scan runs first (reported through <paramref name="progress"/>); the groups then stream, largest first.
    /// A group (at least two images) is ordered by key; each hit's <see cref="SearchHit.Score"/> is its highest similarity
    /// to another image of the group, and its <see cref="SearchHit.Rank"/> its position in the group from 1.
    /// </summary>
    /// <param name="threshold">The least similarity that links two images, in (0, 1]; 0.99 finds re-encoded or resized copies.</param>
    /// <param name="progress">Receives how many images have been scanned.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    IAsyncEnumerable<IReadOnlyList<SearchHit>> FindDuplicatesAsync(float threshold = 0.99f, IProgress<DuplicateScanProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The index as built, for display: for a FAISS store, the factory string of the vector index in use (it changes as
    /// "Auto" grows, or once an IVF index can be trained); for another store, the store's type name.
    /// </summary>
    string IndexDescription { get; }

    /// <summary>
    /// Saves the index to the folder <paramref name="path"/> (FAISS stores), or, without a path, makes the store durable:
    /// a FAISS store saves to its folder (IndexPath / UseFaiss), a database store has nothing left to do. Atomic.
    /// </summary>
    Task SaveAsync(string? path = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the index with the one saved at <paramref name="path"/>, or at the FAISS store's folder; a database store is only opened.</summary>
    /// <exception cref="InvalidDataException">The folder is not a complete, intact index (the message names the file and the problem).</exception>
    /// <exception cref="ImageStoreCompatibilityException">It was built with another model or dimension.</exception>
    Task LoadAsync(string? path = null, CancellationToken cancellationToken = default);
}
