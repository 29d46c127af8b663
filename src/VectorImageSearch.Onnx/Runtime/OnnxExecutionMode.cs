namespace VectorImageSearch.Onnx.Runtime;

/// <summary>Whether ONNX Runtime runs independent graph nodes one after another or in parallel (<c>ExecutionMode</c>).</summary>
public enum OnnxExecutionMode
{
    /// <summary>One node at a time; each node may use the intra-op threads (the default).</summary>
    Sequential = 0,

    /// <summary>Independent nodes run in parallel on the inter-op threads.</summary>
    Parallel = 1,
}
