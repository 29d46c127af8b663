namespace VectorImageSearch.Onnx.Runtime;

/// <summary>How much ONNX Runtime rewrites a graph when it loads a model (<c>GraphOptimizationLevel</c>).</summary>
public enum OnnxGraphOptimizationLevel
{
    /// <summary>No graph optimisation.</summary>
    None = 0,

    /// <summary>Semantics-preserving rewrites such as constant folding and redundant-node removal.</summary>
    Basic = 1,

    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,

    /// <summary>Every optimisation, including layout changes (the default).</summary>
    All = 99,
}
