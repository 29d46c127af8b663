using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorImageSearch.Onnx.Encoders;

namespace VectorImageSearch.Onnx.DependencyInjection;

/// <summary>Registers the ONNX encoders in a service collection (Options pattern; encoders are singletons created on first use).</summary>
internal static class OnnxEncoderServiceCollectionExtensions
{
    /// <summary>
    /// Registers the CLIP text and image encoders of one model folder: <see cref="ClipTextEncoder"/> as itself,
    /// <see cref="ITextEncoder"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings;
    /// <see cref="ClipImageEncoder"/> as itself, <see cref="IImageEncoder"/> and the generators of <see cref="ImageInput"/>s and <see cref="DataContent"/> images.
    /// The interfaces are added only when not registered already.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelFolder">The model folder.</param>
    /// <param name="configure">Further settings, applied after the folder.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddClipEncoders(this IServiceCollection services, string modelFolder, Action<ClipEncoderOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        return services.AddClipEncoders(options =>
        {
            options.ModelFolder = modelFolder;
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers the CLIP text and image encoders, configured by <paramref name="configure"/> (see the other overload).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="ClipEncoderOptions.ModelFolder"/> and other settings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddClipEncoders(this IServiceCollection services, Action<ClipEncoderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ClipEncoderOptions>().Configure(configure);
        services.TryAddSingleton(provider => new ClipTextEncoder(provider.GetRequiredService<IOptions<ClipEncoderOptions>>().Value, provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton(provider => new ClipImageEncoder(provider.GetRequiredService<IOptions<ClipEncoderOptions>>().Value, provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton<ITextEncoder>(provider => provider.GetRequiredService<ClipTextEncoder>());
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider => provider.GetRequiredService<ClipTextEncoder>());
        services.TryAddSingleton<IImageEncoder>(provider => provider.GetRequiredService<ClipImageEncoder>());
        services.TryAddSingleton<IEmbeddingGenerator<ImageInput, Embedding<float>>>(provider => provider.GetRequiredService<ClipImageEncoder>());
        services.TryAddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(provider => provider.GetRequiredService<ClipImageEncoder>());
        return services;
    }

    /// <summary>
    /// Registers an <see cref="OnnxImageEncoder"/> for an image backbone as itself, and as <see cref="IImageEncoder"/> and
    /// the generators of <see cref="ImageInput"/>s and <see cref="DataContent"/> images when those are not registered already.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">An ONNX file or a model folder.</param>
    /// <param name="preset">The kind of backbone.</param>
    /// <param name="configure">Further settings, applied after the path and preset.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddOnnxImageEncoder(this IServiceCollection services, string modelPath,
        ImageEncoderPreset preset = ImageEncoderPreset.ResNet50, Action<OnnxImageEncoderOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return services.AddOnnxImageEncoder(options =>
        {
            options.ModelPath = modelPath;
            options.Preset = preset;
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers an <see cref="OnnxImageEncoder"/> configured by <paramref name="configure"/> (see the other overload).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="OnnxImageEncoderOptions.ModelPath"/>, the preset and other settings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddOnnxImageEncoder(this IServiceCollection services, Action<OnnxImageEncoderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<OnnxImageEncoderOptions>().Configure(configure);
        services.TryAddSingleton(provider => new OnnxImageEncoder(provider.GetRequiredService<IOptions<OnnxImageEncoderOptions>>().Value, provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IImageEncoder>(provider => provider.GetRequiredService<OnnxImageEncoder>());
        services.TryAddSingleton<IEmbeddingGenerator<ImageInput, Embedding<float>>>(provider => provider.GetRequiredService<OnnxImageEncoder>());
        services.TryAddSingleton<IEmbeddingGenerator<DataContent, Embedding<float>>>(provider => provider.GetRequiredService<OnnxImageEncoder>());
        return services;
    }
}
