using Microsoft.Extensions.AI;

namespace VectorImageSearch.VectorData;

/// <summary>
/// One embedding generator for the shared text-image space of a CLIP-style model: strings go to its text encoder, images
/// (<see cref="DataContent"/>) to its image encoder. Attach it to a collection (as its definition's or the vector store's
/// <c>EmbeddingGenerator</c>) to upsert images and search them by a sentence or by another image.
/// </summary>
/// <param name="text">The text encoder, such as this library's <c>ClipTextEncoder</c>.</param>
/// <param name="images">The image encoder of the same model, such as this library's <c>ClipImageEncoder</c>.</param>
public sealed class TextImageEmbeddingGenerator(
    IEmbeddingGenerator<string, Embedding<float>> text,
    IEmbeddingGenerator<DataContent, Embedding<float>> images)
    : IEmbeddingGenerator<string, Embedding<float>>, IEmbeddingGenerator<DataContent, Embedding<float>>
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _text = text ?? throw new ArgumentNullException(nameof(text));
    private readonly IEmbeddingGenerator<DataContent, Embedding<float>> _images = images ?? throw new ArgumentNullException(nameof(images));

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        _text.GenerateAsync(values, options, cancellationToken);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        _images.GenerateAsync(values, options, cancellationToken);

    /// <summary>This generator, or what the image encoder and then the text encoder offer for <paramref name="serviceType"/>.</summary>
    /// <param name="serviceType">The type of service asked for.</param>
    /// <param name="serviceKey">The service's key, if any.</param>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }
        return _images.GetService(serviceType, serviceKey) ?? _text.GetService(serviceType, serviceKey);
    }

    /// <summary>Does nothing: the encoders belong to whoever created them.</summary>
    public void Dispose()
    {
    }
}
