using Microsoft.Extensions.DependencyInjection;

namespace VectorImageSearch;

/// <summary>
/// Resolves a collection's services by its name: the unnamed collection without keys, so an application whose container
/// has no keyed services (Microsoft.Extensions.DependencyInjection before 8, which tools such as BenchmarkDotNet still
/// bring in) can use it; named collections need a container with keyed services.
/// </summary>
internal static class NamedServices
{
    public static T GetRequired<T>(this IServiceProvider provider, string? name)
        where T : notnull =>
        name is null ? provider.GetRequiredService<T>() : provider.GetRequiredKeyedService<T>(name);

    public static T? GetOptional<T>(this IServiceProvider provider, string? name) =>
        name is null ? provider.GetService<T>() : provider.GetKeyedService<T>(name);
}
