using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VectorImageSearch.Faiss;

namespace VectorImageSearch;

/// <summary>Keeps an image search collection in FAISS indexes in this process, in memory or in an index folder.</summary>
public static class FaissImageSearchBuilderExtensions
{
    /// <summary>
    /// Keeps the collection's image records in FAISS in this process, saved to <paramref name="path"/>:
    /// <c>services.AddImageSearch().AddClip("models/clip").UseFaiss("Auto", "index/")</c>.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="indexSpec">"Auto" or a FAISS factory string such as "IVF1024,Flat" or "HNSW32".</param>
    /// <param name="path">The index folder, loaded on first use and written by SaveAsync; <see langword="null"/> keeps the index in memory.</param>
    /// <param name="configure">Further store options.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="indexSpec"/> is empty.</exception>
    public static IImageSearchBuilder UseFaiss(this IImageSearchBuilder builder, string indexSpec = "Auto", string? path = null, Action<FaissImageStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(indexSpec);
        var options = new FaissImageStoreOptions { IndexSpec = indexSpec, Path = path };
        configure?.Invoke(options);
        var snapshot = options.Copy();
        return builder.UseStore(provider => new FaissImageStore(snapshot, provider.GetService<ILogger<FaissImageStore>>()));
    }
}
