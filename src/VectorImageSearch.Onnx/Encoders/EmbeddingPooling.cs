namespace VectorImageSearch.Onnx;

/// <summary>How a model output becomes one vector per image.</summary>
public enum EmbeddingPooling
{
    /// <summary>By the output's rank: [N, D] as is, [N, C, H, W] (and [N, C, 1, 1]) averaged over H × W, [N, T, D] the first (CLS) token.</summary>
    Auto = 0,

    /// <summary>The output is already [N, D].</summary>
    None = 1,

    /// <summary>[N, C, H, W] averaged over the spatial positions (a CNN's global average pool).</summary>
    GlobalAverage = 2,

    /// <summary>[N, T, D]: the first token (ViT's and DINO's CLS token).</summary>
    ClsToken = 3,

    /// <summary>[N, T, D]: the mean over all tokens.</summary>
    MeanTokens = 4,
}
