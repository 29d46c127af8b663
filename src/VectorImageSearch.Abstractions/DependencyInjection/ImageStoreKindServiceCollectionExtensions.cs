using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>The hook through which a store package lets configuration choose its store by name.</summary>
internal static class ImageStoreKindServiceCollectionExtensions
{
    /// <summary>
    /// Registers a store kind that configuration can name in <c>ImageSearch:Store</c>. Registering a name again replaces
    /// the earlier registration. "Faiss" is built in.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The kind's name (compared ignoring case), such as "Postgres".</param>
    /// <param name="create">Creates the store for a collection, from the kind's configuration section.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddImageStoreKind(this IServiceCollection services, string name, ImageStoreFactory create)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        services.AddSingleton(new ImageStoreKind(name.Trim(), create));
        return services;
    }
}
