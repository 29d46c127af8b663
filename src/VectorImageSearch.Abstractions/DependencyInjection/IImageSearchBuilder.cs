using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>
/// Configures one image search collection registered by <c>services.AddImageSearch()</c>: its encoders and its store.
/// Store packages add their <c>UseXxx</c> extension methods to it (for example <c>UseFaiss</c>, <c>UsePostgres</c>),
/// each calling <see cref="ImageSearchBuilderExtensions.UseStore"/>.
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
}
