namespace VectorImageSearch;

/// <summary>Turns text into L2-normalised embedding vectors in the same space as an image encoder's. Safe for concurrent callers.</summary>
public interface ITextEncoder
{
    /// <summary>The length of every embedding.</summary>
    int Dimension { get; }

    /// <summary>Identifies the model (name and content hash), recorded in index manifests.</summary>
    string ModelFingerprint { get; }

    /// <summary>Embeds one text.</summary>
    Task<float[]> EncodeAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Embeds several texts in one model run; results are in input order.</summary>
    Task<float[][]> EncodeBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
