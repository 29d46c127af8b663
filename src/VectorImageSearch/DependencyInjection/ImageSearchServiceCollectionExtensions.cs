using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>Registers <see cref="IImageSearch"/> with its encoders and store.</summary>
public static class ImageSearchServiceCollectionExtensions
{
    /// <summary>
    /// Registers the unnamed image search: <see cref="IImageSearch"/> (a singleton) over
    /// the <see cref="IImageEncoder"/>, <see cref="ITextEncoder"/> and <see cref="IImageRecordStore"/> the container holds.
    /// Encoders and a store the application registers itself (before or after) are the ones used; otherwise the model
    /// configured with <c>AddClip</c> / <c>AddImageEncoder</c> is loaded and the store is the one <c>UseFaiss</c>,
    /// <c>UseStore</c> or <see cref="ImageSearchOptions.Store"/> names (FAISS by default).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder: <c>services.AddImageSearch().AddClip("models/clip").UseFaiss("Auto", "index/")</c>.</returns>
    public static IImageSearchBuilder AddImageSearch(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return ImageSearchRegistrations.Add(services, null);
    }

    /// <summary>
    /// Registers a named image search, independent of any other: its services are keyed services under
    /// <paramref name="name"/> (<c>[FromKeyedServices("photos")] IImageSearch photos</c>), its options the named options
    /// <paramref name="name"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The collection's name, the key of its services.</param>
    /// <returns>The builder.</returns>
    public static IImageSearchBuilder AddImageSearch(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ImageSearchRegistrations.Add(services, name);
    }

    /// <summary>
    /// Registers <see cref="IImageSearch"/> (a singleton), <see cref="IImageEncoder"/> and,
    /// for CLIP, <see cref="ITextEncoder"/>, configured by <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model, the index spec and the index path, e.g. <c>o =&gt; o.UseClip("models/clip")</c>.</param>
    public static IServiceCollection AddImageSearch(this IServiceCollection services, Action<ImageSearchOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddImageSearch().Configure(configure);
        return services;
    }

    /// <summary>
    /// Registers <see cref="IImageSearch"/> with options bound from a configuration section (e.g. "ImageSearch"); its
    /// <c>Store</c> key chooses the store ("Faiss" by default), whose settings are the sub-section named after it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding ClipModelPath, ImageModelPath, Store, IndexSpec, IndexPath, BatchSize …</param>
    /// <param name="configure">Further changes applied after binding.</param>
    public static IServiceCollection AddImageSearch(this IServiceCollection services, IConfiguration configuration, Action<ImageSearchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddImageSearch().Bind(configuration);
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        return services;
    }
}
