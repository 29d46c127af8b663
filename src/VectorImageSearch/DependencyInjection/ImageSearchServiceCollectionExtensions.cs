using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorImageSearch.Faiss;
using VectorImageSearch.Onnx;

namespace VectorImageSearch;

/// <summary>
/// Registers <see cref="IImageSearch"/> with its encoders and store (<c>AddImageSearch</c>), and configures a collection's
/// options, models and store on the builder it returns (<c>Configure</c>, <c>Bind</c>, <c>AddClip</c>, <c>AddImageEncoder</c>,
/// <c>UseFaiss</c>).
/// </summary>
public static class ImageSearchServiceCollectionExtensions
{
    /// <summary>
    /// Registers the unnamed image search: <see cref="IImageSearch"/> (a singleton) over
    /// the <see cref="IImageEncoder"/>, <see cref="ITextEncoder"/> and <see cref="IImageRecordStore"/> the container holds.
    /// Encoders and a store the application registers itself (before or after) are the ones used; otherwise the model
    /// configured with <c>AddClip</c> / <c>AddImageEncoder</c> is loaded and the store is the one <c>UseFaiss</c>,
    /// <c>UseStore</c> or <see cref="ImageSearchOptions.Store"/> names (FAISS by default).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder: <c>services.AddImageSearch().AddClip("models/clip").UseFaiss("Auto", "index/")</c>.</returns>
    public static IImageSearchBuilder AddImageSearch(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return ImageSearchRegistrations.Add(services, null);
    }

    /// <summary>
    /// Registers a named image search, independent of any other: its services are keyed services under
    /// <paramref name="name"/> (<c>[FromKeyedServices("photos")] IImageSearch photos</c>), its options the named options
    /// <paramref name="name"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The collection's name, the key of its services.</param>
    /// <returns>The builder.</returns>
    public static IImageSearchBuilder AddImageSearch(this IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ImageSearchRegistrations.Add(services, name);
    }

    /// <summary>
    /// Registers <see cref="IImageSearch"/> (a singleton), <see cref="IImageEncoder"/> and,
    /// for CLIP, <see cref="ITextEncoder"/>, configured by <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model, the index spec and the index path, e.g. <c>o =&gt; o.UseClip("models/clip")</c>.</param>
    public static IServiceCollection AddImageSearch(this IServiceCollection services, Action<ImageSearchOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddImageSearch().Configure(configure);
        return services;
    }

    /// <summary>
    /// Registers <see cref="IImageSearch"/> with options bound from a configuration section (e.g. "ImageSearch"); its
    /// <c>Store</c> key chooses the store ("Faiss" by default), whose settings are the sub-section named after it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding ClipModelPath, ImageModelPath, Store, Index, IndexPath, BatchSize …</param>
    /// <param name="configure">Further changes applied after binding.</param>
    public static IServiceCollection AddImageSearch(this IServiceCollection services, IConfiguration configuration, Action<ImageSearchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddImageSearch().Bind(configuration);
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        return services;
    }

    /// <summary>Changes the collection's <see cref="ImageSearchOptions"/> (for a named collection, the named options of its name).</summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="configure">Sets options, e.g. <c>o =&gt; o.BatchSize = 32</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder Configure(this IImageSearchBuilder builder, Action<ImageSearchOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<ImageSearchOptions>(OptionsName(builder)).Configure(configure);
        return builder;
    }

    /// <summary>
    /// Binds the collection's <see cref="ImageSearchOptions"/> from a configuration section; its <c>Store</c> key chooses
    /// the store kind, whose settings are the sub-section named after it (<c>"Store": "Postgres", "Postgres": { … }</c>).
    /// A configured <c>Extensions</c> list replaces the default extensions (the configuration binder alone would add to
    /// them).
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="configuration">The section, e.g. <c>configuration.GetSection("ImageSearch")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder Bind(this IImageSearchBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<ImageSearchOptions>(OptionsName(builder)).Bind(configuration).Configure(o =>
        {
            if (configuration[RenamedIndexKey] is not null)
            {
                throw new InvalidOperationException(
                    $"The configuration key '{Key(configuration, RenamedIndexKey)}' is now '{Key(configuration, nameof(ImageSearchOptions.Index))}' " +
                    $"(ImageSearchOptions.Index): rename it in your settings.");
            }
            var extensions = configuration.GetSection(nameof(ImageSearchOptions.Extensions)).Get<string[]>();
            if (extensions is { Length: > 0 })
            {
                o.Extensions = [.. extensions];
            }
        });
        builder.Services.AddKeyedSingleton(builder.Name, new ImageSearchConfiguration(configuration));
        return builder;
    }

    /// <summary>
    /// Embeds text and images with a CLIP model folder (Hugging Face / ONNX-export layout), loaded on first use — unless
    /// the application registers its own <see cref="IImageEncoder"/> / <see cref="ITextEncoder"/>, which win.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="modelFolder">The folder holding onnx/text_model.onnx and onnx/vision_model.onnx (or model.onnx) and the tokenizer files.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder AddClip(this IImageSearchBuilder builder, string modelFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        return builder.Configure(o => o.UseClip(modelFolder));
    }

    /// <summary>Embeds images with an image-only model folder (image-to-image search), loaded on first use.</summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="modelFolder">The folder holding model.onnx and preprocessor_config.json.</param>
    /// <param name="preset">The kind of backbone (<see cref="ImageSearchOptions.ImageModelPreset"/>): pooled CNN features by default.</param>
    /// <param name="pooling">How its output becomes one vector (<see cref="ImageSearchOptions.ImageModelPooling"/>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder AddImageEncoder(this IImageSearchBuilder builder, string modelFolder, ImageEncoderPreset preset = ImageEncoderPreset.ResNet50, EmbeddingPooling pooling = EmbeddingPooling.Auto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        return builder.Configure(o => o.UseImageEncoder(modelFolder, preset, pooling));
    }

    /// <summary>
    /// Keeps the collection's image records in FAISS in this process, saved to <paramref name="path"/>:
    /// <c>services.AddImageSearch().AddClip("models/clip").UseFaiss("Auto", "index/")</c>.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="indexSpec">"Auto" or a FAISS factory string such as "IVF1024,Flat" or "HNSW32".</param>
    /// <param name="path">The index folder, loaded on first use and written by SaveAsync; <see langword="null"/> keeps the index in memory.</param>
    /// <param name="configure">Further store options.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="indexSpec"/> is empty.</exception>
    public static IImageSearchBuilder UseFaiss(this IImageSearchBuilder builder, string indexSpec = "Auto", string? path = null, Action<FaissImageStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(indexSpec);
        var options = new FaissImageStoreOptions { IndexSpec = indexSpec, Path = path };
        configure?.Invoke(options);
        var snapshot = options.Copy();
        return builder.UseStore(provider => new FaissImageStore(snapshot, provider.GetService<ILogger<FaissImageStore>>()));
    }

    internal static string OptionsName(IImageSearchBuilder builder) => builder.Name ?? Options.DefaultName;

    /// <summary>The configuration key <see cref="ImageSearchOptions.Index"/> had before it was renamed.</summary>
    private const string RenamedIndexKey = "IndexSpec";

    private static string Key(IConfiguration configuration, string key) =>
        configuration is IConfigurationSection section ? ConfigurationPath.Combine(section.Path, key) : key;
}
