using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>The builder <c>AddImageSearch</c> returns.</summary>
/// <param name="Services">The service collection.</param>
/// <param name="Name">The collection's name; <see langword="null"/> for the unnamed one.</param>
internal sealed record ImageSearchBuilder(IServiceCollection Services, string? Name) : IImageSearchBuilder;
