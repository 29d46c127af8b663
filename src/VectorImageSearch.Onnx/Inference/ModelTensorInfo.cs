using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VectorImageSearch.Onnx.Inference;

/// <summary>The declared name, element type and shape of a model input or output, as read from ONNX Runtime's metadata.</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="IsTensor">Whether it is a tensor.</param>
/// <param name="ElementType">The element type (meaningful for tensors).</param>
/// <param name="Dimensions">One entry per axis: its fixed size, or -1 where it is dynamic.</param>
/// <param name="SymbolicDimensions">One entry per axis: the name of a dynamic axis, or "".</param>
internal sealed record ModelTensorInfo(string Name, bool IsTensor, TensorElementType ElementType, IReadOnlyList<long> Dimensions, IReadOnlyList<string> SymbolicDimensions)
{
    /// <summary>The number of axes.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>The fixed batch size (the first axis), or 0 when it is dynamic.</summary>
    public int FixedBatch => Rank > 0 && Dimensions[0] > 0 ? checked((int)Dimensions[0]) : 0;

    /// <summary>Whether the elements are 32-bit or 16-bit floats.</summary>
    public bool IsFloating => IsTensor && ElementType is TensorElementType.Float or TensorElementType.Float16;

    /// <summary>Reads <paramref name="metadata"/>.</summary>
    public static ModelTensorInfo From(string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor)
        {
            return new ModelTensorInfo(name, false, TensorElementType.DataTypeMax, [], []);
        }
        var dims = metadata.Dimensions.Select(d => d < 0 ? -1L : d).ToArray();
        var symbols = metadata.SymbolicDimensions.Select(s => s ?? string.Empty).ToArray();
        return new ModelTensorInfo(name, true, metadata.ElementDataType, dims, symbols);
    }

    /// <summary>Describes the value as <c>name: Type[dim, …]</c>, with symbolic names for dynamic axes.</summary>
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
                : i < SymbolicDimensions.Count && SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?";
        }
        return $"{Name}: {ElementType}[{string.Join(", ", axes)}]";
    }
}
