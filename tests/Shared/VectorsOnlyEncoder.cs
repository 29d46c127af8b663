namespace VectorImageSearch.Tests.Shared;

/// <summary>
/// Names the vector space of synthetic records (dimension and fingerprint) for an engine that only works on stored
/// vectors (duplicate scans in tests and benchmarks/DuplicateMeasurements), so encoding an image is refused.
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

    private static NotSupportedException Refused() => new("This engine holds synthetic vectors only; it encodes no images.");
}
