using Microsoft.Extensions.Logging;
using VectorImageSearch.Onnx;

namespace VectorImageSearch;

/// <summary>The encoders an <see cref="ImageSearchOptions"/> asks for, loaded once and disposed with the container.</summary>
internal sealed class ImageSearchModels : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private ImageSearchModels()
    {
    }

    /// <summary>Embeds images: CLIP's vision tower, or the image-only model when one is configured.</summary>
    public IImageEncoder ImageEncoder { get; private set; } = null!;

    /// <summary>Embeds text: CLIP's text tower; <see langword="null"/> for an image-only model.</summary>
    public ITextEncoder? TextEncoder { get; private set; }

    /// <summary>Loads the models named by <paramref name="options"/>.</summary>
    /// <exception cref="ModelLoadException">A model folder is missing, incomplete or unusable.</exception>
    public static ImageSearchModels Load(ImageSearchOptions options, ILoggerFactory? loggerFactory)
    {
        var logger = loggerFactory?.CreateLogger<ImageSearchModels>();
        var models = new ImageSearchModels();
        var runtime = RuntimeOptions(options);
        var clip = new ClipEncoderOptions { ModelFolder = options.ClipModelPath ?? string.Empty, OnnxRuntime = runtime, ModelVariant = options.ModelVariant, MaxImagePixels = options.MaxImagePixels };
        try
        {
            if (!string.IsNullOrWhiteSpace(options.ClipModelPath))
            {
                models.TextEncoder = models.Own(new ClipTextEncoder(clip, loggerFactory));
            }
            if (!string.IsNullOrWhiteSpace(options.ImageModelPath))
            {
                models.ImageEncoder = models.Own(new OnnxImageEncoder(ImageEncoderOptions(options, runtime), loggerFactory));
            }
            else
            {
                models.ImageEncoder = models.Own(new ClipImageEncoder(clip, loggerFactory));
            }
            logger?.LogInformation("Image encoder {Image}; text encoder {Text}", models.ImageEncoder.ModelFingerprint,
                models.TextEncoder?.ModelFingerprint ?? "none");
            return models;
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        _owned.Clear();
    }

    private static OnnxRuntimeOptions RuntimeOptions(ImageSearchOptions options) => OnnxRuntimeOptions.Default with
    {
        IntraOpThreads = options.InferenceThreads,
        AllowThreadSpinning = options.InferenceThreadSpinning,
        ExecutionProvider = options.ExecutionProvider,
        DeviceId = options.DeviceId,
        FallbackToCpu = options.ExecutionProviderFallbackToCpu,
        ConfigureSessionOptions = options.ConfigureSessionOptions,
    };

    private static OnnxImageEncoderOptions ImageEncoderOptions(ImageSearchOptions options, OnnxRuntimeOptions runtime)
    {
        return new OnnxImageEncoderOptions
        {
            ModelPath = options.ImageModelPath!, Preset = options.ImageModelPreset, Pooling = options.ImageModelPooling, OnnxRuntime = runtime, ModelVariant = options.ModelVariant,
            MaxImagePixels = options.MaxImagePixels,
        };
    }

    private T Own<T>(T encoder)
        where T : IDisposable
    {
        _owned.Add(encoder);
        return encoder;
    }
}
