namespace VectorImageSearch;

/// <summary>
/// An <see cref="IImageSearch"/> that also answers compound, filtered and de-duplicated queries and finds near-duplicate
/// images across the library. <see cref="ImageSearchEngine"/> implements it, and <c>AddImageSearch</c> registers it.
/// </summary>
/// <remarks>
/// A separate interface rather than new members of <see cref="IImageSearch"/>, as Microsoft.Extensions.* grows
/// capabilities (<c>IBufferDistributedCache : IDistributedCache</c>, <c>IHostedLifecycleService : IHostedService</c>):
/// other implementations of <see cref="IImageSearch"/> keep compiling, and no default implementation has to pretend to
/// honour a filter or threshold it cannot apply. Callers that need it ask for this interface, or test for it.
/// </remarks>
public interface IImageQuerySearch : IImageSearch
{
    /// <summary>The images that best match <paramref name="query"/>, best first.</summary>
    /// <param name="query">Texts, images, negatives, filter, threshold and de-duplication.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <exception cref="ArgumentException">The query has no text or image, a weight is not positive and finite, K or a threshold is out of range, or its vector is zero.</exception>
    /// <exception cref="InvalidOperationException">The query has texts and no text encoder is configured.</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(ImageQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Groups of near-duplicate images in the whole index: two images are linked when their cosine similarity is at least
    /// <paramref name="threshold"/> (each image's neighbours are searched), and a group is a connected set of linked
    /// images. The scan runs first (reported through <paramref name="progress"/>); the groups then stream, largest first.
    /// </summary>
    /// <param name="threshold">The least similarity that links two images, in (0, 1]; 0.99 finds re-encoded or resized copies.</param>
    /// <param name="progress">Receives how many images have been scanned.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    IAsyncEnumerable<DuplicateGroup> FindDuplicatesAsync(float threshold = 0.99f, IProgress<DuplicateScanProgress>? progress = null, CancellationToken cancellationToken = default);
}
