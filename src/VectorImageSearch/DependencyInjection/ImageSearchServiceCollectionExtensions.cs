using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VectorImageSearch;

/// <summary>Registers <see cref="IImageSearch"/> with its encoders and index.</summary>
public static class ImageSearchServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IImageSearch"/> (a singleton <see cref="ImageSearchEngine"/>), <see cref="IImageEncoder"/> and,
    /// for CLIP, <see cref="ITextEncoder"/>, configured by <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model, the index spec and the index path, e.g. <c>o =&gt; o.UseClip("models/clip")</c>.</param>
    public static IServiceCollection AddImageSearch(this IServiceCollection services, Action<ImageSearchOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ImageSearchOptions>().Configure(configure);
        return services.AddImageSearchCore();
    }

    /// <summary>Registers <see cref="IImageSearch"/> with options bound from a configuration section (e.g. "ImageSearch").</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding ClipModelPath, ImageModelPath, IndexSpec, IndexPath, BatchSize …</param>
    /// <param name="configure">Further changes applied after binding.</param>
    public static IServiceCollection AddImageSearch(this IServiceCollection services, IConfiguration configuration, Action<ImageSearchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<ImageSearchOptions>().Bind(configuration);
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        return services.AddImageSearchCore();
    }

    private static IServiceCollection AddImageSearchCore(this IServiceCollection services)
    {
        services.TryAddSingleton<ImageSearchModels>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ImageSearchOptions>>().Value;
            options.Validate();
            return ImageSearchModels.Load(options, provider.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton<IImageEncoder>(provider => provider.GetRequiredService<ImageSearchModels>().ImageEncoder);
        services.TryAddSingleton<ITextEncoder>(provider => provider.GetRequiredService<ImageSearchModels>().TextEncoder
            ?? throw new InvalidOperationException("The configured model embeds images only; configure a CLIP model (UseClip) for an ITextEncoder."));
        services.TryAddSingleton<ImageSearchEngine>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ImageSearchOptions>>().Value;
            var models = provider.GetRequiredService<ImageSearchModels>();
            return new ImageSearchEngine(models.ImageEncoder, models.TextEncoder, options,
                provider.GetService<ILogger<ImageSearchEngine>>());
        });
        services.TryAddSingleton<IImageSearch>(provider => provider.GetRequiredService<ImageSearchEngine>());
        return services;
    }
}
