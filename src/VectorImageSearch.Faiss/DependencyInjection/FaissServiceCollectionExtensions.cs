using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VectorImageSearch.Faiss.DependencyInjection;

namespace VectorImageSearch.Faiss;

/// <summary>Registers FAISS as the <see cref="IVectorIndexFactory"/>.</summary>
internal static class FaissServiceCollectionExtensions
{
    /// <summary>Registers <see cref="FaissIndexFactory"/> as the singleton <see cref="IVectorIndexFactory"/> (unless one is registered).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="FaissIndexOptions"/>.</param>
    public static IServiceCollection AddFaissIndexes(this IServiceCollection services, Action<FaissIndexOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<FaissIndexOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton<IVectorIndexFactory, FaissIndexFactory>();
        return services;
    }
}
