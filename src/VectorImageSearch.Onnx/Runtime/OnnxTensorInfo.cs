namespace VectorImageSearch.Onnx.Runtime;

/// <summary>The declared name, type and shape of a model input or output.</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="IsTensor">Whether it is a tensor (rather than a sequence, map or optional value).</param>
/// <param name="ElementType">The element type; <see cref="OnnxElementType.Undefined"/> when it is not a tensor.</param>
/// <param name="Dimensions">One entry per axis: its fixed size, or -1 where the size is dynamic.</param>
/// <param name="SymbolicDimensions">One entry per axis: the symbolic name of a dynamic axis ("batch_size"), or "" where it has none.</param>
public sealed record OnnxTensorInfo(
    string Name,
    bool IsTensor,
    OnnxElementType ElementType,
    IReadOnlyList<long> Dimensions,
    IReadOnlyList<string> SymbolicDimensions)
{
    /// <summary>The number of axes.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>Describes the value as <c>name: Type[dim, dim, …]</c>, with symbolic names for dynamic axes.</summary>
    public override string ToString()
    {
        if (!IsTensor)
        {
            return $"{Name}: (not a tensor)";
        }
        var axes = new string[Dimensions.Count];
        for (var i = 0; i < axes.Length; i++)
        {
            axes[i] = Dimensions[i] >= 0 ? Dimensions[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?";
        }
        return $"{Name}: {ElementType}[{string.Join(", ", axes)}]";
    }
}
