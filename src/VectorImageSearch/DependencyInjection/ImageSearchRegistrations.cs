using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorImageSearch.Faiss;

namespace VectorImageSearch;

/// <summary>
/// The services of one image search collection, keyed by its name (a null name registers plain services). Each is added
/// only when the application has not registered one for that key, so an encoder or store it registers before wins, and
/// one it registers after wins too (the last registration is the one resolved).
/// </summary>
internal static class ImageSearchRegistrations
{
    public static IImageSearchBuilder Add(IServiceCollection services, string? name)
    {
        services.AddOptions<ImageSearchOptions>(name ?? Options.DefaultName);
        services.TryAddKeyedSingleton(name, (provider, _) =>
        {
            var options = OptionsOf(provider, name);
            options.Validate();
            return ImageSearchModels.Load(options, provider.GetService<ILoggerFactory>());
        });
        services.TryAddKeyedSingleton(name, (provider, _) => provider.GetRequired<ImageSearchModels>(name).ImageEncoder);
        services.TryAddKeyedSingleton(name, (provider, _) => TextEncoder(provider, name));
        services.TryAddKeyedSingleton(name, (provider, _) => Store(provider, name));
        services.TryAddKeyedSingleton(name, (provider, _) => Engine(provider, name));
        services.TryAddKeyedSingleton<IImageSearch>(name, (provider, _) => provider.GetRequired<ImageSearchEngine>(name));
        return new ImageSearchBuilder(services, name);
    }

    private static ImageSearchOptions OptionsOf(IServiceProvider provider, string? name) =>
        provider.GetRequiredService<IOptionsMonitor<ImageSearchOptions>>().Get(name ?? Options.DefaultName);

    private static ITextEncoder TextEncoder(IServiceProvider provider, string? name)
    {
        if (string.IsNullOrWhiteSpace(OptionsOf(provider, name).ClipModelPath))
        {
            throw new NoTextEncoderException(
                "No CLIP model is configured, so there is no text encoder: call AddClip(folder) (or UseClip, ClipModelPath), or register an ITextEncoder.");
        }
        return provider.GetRequired<ImageSearchModels>(name).TextEncoder ?? throw new NoTextEncoderException(
            "The configured model embeds images only; configure a CLIP model (UseClip) for an ITextEncoder.");
    }

    private static ImageSearchEngine Engine(IServiceProvider provider, string? name)
    {
        var options = OptionsOf(provider, name);
        // The model paths are checked where the options load the models: encoders from the container need none.
        options.Validate(requireModel: false);
        var imageEncoder = provider.GetRequired<IImageEncoder>(name);
        ITextEncoder? textEncoder;
        try
        {
            textEncoder = provider.GetOptional<ITextEncoder>(name);
        }
        catch (NoTextEncoderException)
        {
            textEncoder = null;
        }
        var store = provider.GetRequired<IImageRecordStore>(name);
        return new ImageSearchEngine(imageEncoder, textEncoder, store, options, provider.GetService<ILogger<ImageSearchEngine>>());
    }

    /// <summary>The store <see cref="ImageSearchOptions.Store"/> names: a registered <see cref="ImageStoreKind"/>, or the built-in FAISS folder store.</summary>
    private static IImageRecordStore Store(IServiceProvider provider, string? name)
    {
        var options = OptionsOf(provider, name);
        var kind = string.IsNullOrWhiteSpace(options.Store) ? ImageSearchOptions.FaissStore : options.Store.Trim();
        var registered = provider.GetServices<ImageStoreKind>().LastOrDefault(k => string.Equals(k.Name, kind, StringComparison.OrdinalIgnoreCase));
        if (registered is not null)
        {
            var section = provider.GetOptional<ImageSearchConfiguration>(name)?.Section.GetSection(registered.Name);
            return registered.Create(provider, name, section);
        }
        if (string.Equals(kind, ImageSearchOptions.FaissStore, StringComparison.OrdinalIgnoreCase))
        {
            options.Validate(requireModel: false);
            return ImageSearchEngine.FaissStore(options, provider.GetService<ILogger<FaissImageStore>>());
        }
        var known = string.Join(", ", provider.GetServices<ImageStoreKind>().Select(k => k.Name).Prepend(ImageSearchOptions.FaissStore).Distinct(StringComparer.OrdinalIgnoreCase));
        throw new InvalidOperationException(
            $"ImageSearchOptions.Store is '{kind}', but no store of that kind is registered (known: {known}). Register it through its package " +
            $"(its kind registration calls services.AddImageStoreKind(\"{kind}\", …)), or choose the store in code with UseStore.");
    }
}
