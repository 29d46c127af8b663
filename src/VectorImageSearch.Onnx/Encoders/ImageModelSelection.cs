namespace VectorImageSearch.Onnx.Encoders;

/// <summary>What an image encoder asks of a model: which input and output to use and how to pool.</summary>
/// <param name="Purpose">The encoder, for messages ("CLIP image encoder").</param>
/// <param name="InputName">The pixel input; null to take <c>pixel_values</c> or the one 4-D float input.</param>
/// <param name="OutputName">The output; null to choose by <paramref name="PreferredOutputs"/> and <paramref name="RankPreference"/>.</param>
/// <param name="PreferredOutputs">Output names tried first, in order.</param>
/// <param name="RankPreference">Output ranks tried next, in order (names containing "pool" first within a rank).</param>
/// <param name="Pooling">How the chosen output is pooled.</param>
internal sealed record ImageModelSelection(
    string Purpose,
    string? InputName,
    string? OutputName,
    IReadOnlyList<string> PreferredOutputs,
    IReadOnlyList<int> RankPreference,
    EmbeddingPooling Pooling);
