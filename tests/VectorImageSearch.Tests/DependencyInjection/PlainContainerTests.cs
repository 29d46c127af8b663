using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

/// <summary>
/// The unnamed collection needs no keyed services from the container: Microsoft.Extensions.DependencyInjection before 8
/// (which BenchmarkDotNet and other tools still bring in) has none, and the compare benchmark failed there.
/// </summary>
public sealed class PlainContainerTests
{
    [Fact]
    public async Task The_unnamed_collection_resolves_through_a_provider_without_keyed_services()
    {
        var services = new ServiceCollection();
        services.AddImageSearch(o =>
        {
            o.UseClip(RepoPaths.ClipTinyShapes);
            o.UseFaiss("Flat");
        });
        await using var real = services.BuildServiceProvider();
        var plain = new ProviderWithoutKeys(real);

        foreach (var serviceType in new[] { typeof(IImageSearch), typeof(IImageEncoder), typeof(ITextEncoder), typeof(ImageSearchEngine) })
        {
            var descriptor = services.Last(d => d.ServiceType == serviceType && !d.IsKeyedService);
            var instance = descriptor.ImplementationFactory!(plain);
            Assert.IsAssignableFrom(serviceType, instance);
        }
    }

    /// <summary>Only <see cref="IServiceProvider"/>: no <see cref="IKeyedServiceProvider"/>, as containers before keyed services.</summary>
    private sealed class ProviderWithoutKeys(IServiceProvider inner) : IServiceProvider
    {
        public object? GetService(Type serviceType) => inner.GetService(serviceType);
    }
}
