namespace VectorImageSearch;

/// <summary>
/// Turns images into L2-normalised embedding vectors. Implementations are safe for concurrent callers.
/// The two stages (<see cref="Preprocess"/> on any thread, <see cref="EncodePreprocessed"/> in batches) let an
/// indexing pipeline decode the next batch while the model runs on the current one.
/// </summary>
public interface IImageEncoder
{
    /// <summary>The length of every embedding.</summary>
    int Dimension { get; }

    /// <summary>Identifies the model (name and content hash), recorded in index manifests.</summary>
    string ModelFingerprint { get; }

    /// <summary>The number of floats one preprocessed image takes (channels × height × width).</summary>
    int PreprocessedLength { get; }

    /// <summary>Decodes <paramref name="image"/> and writes its normalised NCHW tensor to <paramref name="destination"/>.</summary>
    /// <exception cref="ImageDecodeException">The image is corrupt, empty, unsupported or too large.</exception>
    void Preprocess(ImageInput image, Span<float> destination);

    /// <summary>
    /// Runs the model on <paramref name="count"/> preprocessed images laid end to end in <paramref name="pixels"/> and writes
    /// <paramref name="count"/> × <see cref="Dimension"/> L2-normalised floats to <paramref name="embeddings"/>.
    /// </summary>
    void EncodePreprocessed(ReadOnlySpan<float> pixels, int count, Span<float> embeddings);

    /// <summary>Embeds one image.</summary>
    Task<float[]> EncodeAsync(ImageInput image, CancellationToken cancellationToken = default);

    /// <summary>Embeds several images in one model run; results are in input order.</summary>
    Task<float[][]> EncodeBatchAsync(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default);
}
