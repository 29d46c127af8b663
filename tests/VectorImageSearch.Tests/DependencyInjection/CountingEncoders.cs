using VectorImageSearch.Onnx;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

/// <summary>The tiny CLIP's real image tower, counting the images it embeds: an encoder an application registers itself.</summary>
internal sealed class CountingImageEncoder : IImageEncoder, IDisposable
{
    private readonly ClipImageEncoder _inner = new(RepoPaths.ClipTinyShapes);
    private int _images;

    public int Images => Volatile.Read(ref _images);

    public int Dimension => _inner.Dimension;

    public string ModelFingerprint => _inner.ModelFingerprint;

    public int PreprocessedLength => _inner.PreprocessedLength;

    public void Preprocess(ImageInput image, Span<float> destination) => _inner.Preprocess(image, destination);

    public void EncodePreprocessed(ReadOnlySpan<float> pixels, int count, Span<float> embeddings)
    {
        Interlocked.Add(ref _images, count);
        _inner.EncodePreprocessed(pixels, count, embeddings);
    }

    public Task<float[]> EncodeAsync(ImageInput image, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _images);
        return _inner.EncodeAsync(image, cancellationToken);
    }

    public Task<float[][]> EncodeBatchAsync(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _images, images.Count);
        return _inner.EncodeBatchAsync(images, cancellationToken);
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>The tiny CLIP's real text tower, counting the texts it embeds.</summary>
internal sealed class CountingTextEncoder : ITextEncoder, IDisposable
{
    private readonly ClipTextEncoder _inner = new(RepoPaths.ClipTinyShapes);
    private int _texts;

    public int Texts => Volatile.Read(ref _texts);

    public int Dimension => _inner.Dimension;

    public string ModelFingerprint => _inner.ModelFingerprint;

    public Task<float[]> EncodeAsync(string text, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _texts);
        return _inner.EncodeAsync(text, cancellationToken);
    }

    public Task<float[][]> EncodeBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _texts, texts.Count);
        return _inner.EncodeBatchAsync(texts, cancellationToken);
    }

    public void Dispose() => _inner.Dispose();
}
