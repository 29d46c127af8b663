namespace VectorImageSearch.DuplicateMeasurements;

/// <summary>
/// Names the vector space of the synthetic records (dimension and fingerprint) for the engine; the measurement only
/// scans stored vectors, so encoding an image is refused.
/// </summary>
internal sealed class VectorsOnlyEncoder(int dimension) : IImageEncoder
{
    public int Dimension { get; } = dimension;

    public string ModelFingerprint => $"synthetic-clustered-{Dimension}";

    public int PreprocessedLength => throw Refused();

    public void Preprocess(ImageInput image, Span<float> destination) => throw Refused();

    public void EncodePreprocessed(ReadOnlySpan<float> pixels, int count, Span<float> embeddings) => throw Refused();

    public Task<float[]> EncodeAsync(ImageInput image, CancellationToken cancellationToken = default) => throw Refused();

    public Task<float[][]> EncodeBatchAsync(IReadOnlyList<ImageInput> images, CancellationToken cancellationToken = default) => throw Refused();

    private static NotSupportedException Refused() => new("The duplicate measurement holds synthetic vectors only; it encodes no images.");
}
