using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VectorImageSearch;

/// <summary>Configures an image search collection's options and models.</summary>
public static class ImageSearchBuilderOptionsExtensions
{
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
    /// <param name="preset">"ResNet50" (pooled CNN features), "ViTCls" or "ViTMean".</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder AddImageEncoder(this IImageSearchBuilder builder, string modelFolder, string preset = "ResNet50")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        return builder.Configure(o => o.UseImageEncoder(modelFolder, preset));
    }

    internal static string OptionsName(IImageSearchBuilder builder) => builder.Name ?? Options.DefaultName;
}
