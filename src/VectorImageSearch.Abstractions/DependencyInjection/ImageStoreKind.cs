using Microsoft.Extensions.Configuration;

namespace VectorImageSearch;

/// <summary>Creates a store of one kind for one image search collection chosen by configuration.</summary>
/// <param name="services">The application's services.</param>
/// <param name="name">The collection's name; <see langword="null"/> for the unnamed collection.</param>
/// <param name="configuration">
/// The kind's own configuration section (for configuration key <c>ImageSearch:Store = "Postgres"</c>, the section
/// <c>ImageSearch:Postgres</c>), or <see langword="null"/> when the collection was not bound from configuration.
/// </param>
internal delegate IImageRecordStore ImageStoreFactory(IServiceProvider services, string? name, IConfiguration? configuration);

/// <summary>
/// A kind of store that configuration can choose by name (<c>"ImageSearch": { "Store": "Postgres" }</c>). A store package
/// registers its kind with <see cref="ImageStoreKindServiceCollectionExtensions.AddImageStoreKind"/>; the image search
/// looks the configured name up among the registered kinds (ignoring case) when it creates a collection's store.
/// </summary>
/// <param name="Name">The name configuration uses, such as "Faiss" or "Postgres".</param>
/// <param name="Create">Creates the store.</param>
internal sealed record ImageStoreKind(string Name, ImageStoreFactory Create);
