using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>Chooses the store of an image search collection.</summary>
public static class ImageSearchBuilderExtensions
{
    /// <summary>
    /// Makes the collection keep its image records in the store <paramref name="factory"/> creates (once, as a singleton
    /// the container disposes), replacing any store chosen before for this collection. Store packages build their
    /// <c>UseXxx</c> methods on it.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="factory">Creates the store; resolve what it needs (options, loggers) from the provider.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder UseStore(this IImageSearchBuilder builder, Func<IServiceProvider, IImageRecordStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        var services = builder.Services;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IImageRecordStore) && Equals(services[i].ServiceKey, builder.Name))
            {
                services.RemoveAt(i);
            }
        }
        // A null key registers a plain (unkeyed) service: the unnamed collection's store.
        services.AddKeyedSingleton<IImageRecordStore>(builder.Name, (provider, _) => factory(provider));
        return builder;
    }
}
