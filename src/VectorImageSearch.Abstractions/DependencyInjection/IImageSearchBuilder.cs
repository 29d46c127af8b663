using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>
/// Configures one image search collection registered by <c>services.AddImageSearch()</c>: its encoders and its store.
/// Store packages add their <c>UseXxx</c> extension methods to it (for example <c>UseFaiss</c>, <c>UsePostgres</c>),
/// each calling <see cref="UseStore"/>.
/// </summary>
public interface IImageSearchBuilder
{
    /// <summary>The service collection the collection is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// The collection's name: its services are keyed services under this key (resolve them with
    /// <c>[FromKeyedServices(name)]</c> or <c>GetRequiredKeyedService</c>); <see langword="null"/> for the unnamed
    /// collection, whose services are plain ones.
    /// </summary>
    string? Name { get; }

    /// <summary>
    /// Makes the collection keep its image records in the store <paramref name="factory"/> creates (once, as a singleton
    /// the container disposes), replacing any store chosen before for this collection. Store packages build their
    /// <c>UseXxx</c> methods on it.
    /// </summary>
    /// <param name="factory">Creates the store; resolve what it needs (options, loggers) from the provider.</param>
    /// <returns>The builder, for chaining.</returns>
    IImageSearchBuilder UseStore(Func<IServiceProvider, IImageRecordStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var services = Services;
        var name = Name;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IImageRecordStore) && Equals(services[i].ServiceKey, name))
            {
                services.RemoveAt(i);
            }
        }
        // A null key registers a plain (unkeyed) service: the unnamed collection's store.
        services.AddKeyedSingleton<IImageRecordStore>(name, (provider, _) => factory(provider));
        return this;
    }
}
