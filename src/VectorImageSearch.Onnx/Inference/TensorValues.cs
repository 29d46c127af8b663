using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VectorImageSearch.Onnx.Inference;

/// <summary>OrtValues over memory the caller keeps fixed, and float/float16 conversions through pooled buffers.</summary>
internal static unsafe class TensorValues
{
    /// <summary>A tensor over <paramref name="length"/> elements at <paramref name="data"/>; the memory must stay fixed while the value lives.</summary>
    public static OrtValue Over<T>(T* data, int length, long[] shape, TensorElementType elementType)
        where T : unmanaged =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, elementType, shape, (IntPtr)data, (long)length * sizeof(T));

    /// <summary>A tensor over a constant array (ONNX Runtime pins it for the value's life).</summary>
    public static OrtValue Constant(long[] values, long[] shape, TensorElementType elementType) => elementType switch
    {
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(values, shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (int)v).ToArray(), shape),
        TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(values.Select(v => (float)v).ToArray(), shape),
        TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)(float)v).ToArray(), shape),
        _ => throw new NotSupportedException($"No constant tensor of {elementType}."),
    };

    /// <summary>
    /// The float elements of an output ONNX Runtime allocated: its own buffer for float, or <paramref name="rented"/>
    /// (taken from the shared pool, to be returned by the caller) converted from float16.
    /// </summary>
    /// <exception cref="InvalidOperationException">The output is neither float nor float16.</exception>
    public static ReadOnlySpan<float> ReadFloats(OrtValue value, string model, string output, ref float[]? rented)
    {
        var info = value.GetTensorTypeAndShape();
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                return value.GetTensorDataAsSpan<float>();
            case TensorElementType.Float16:
                var halves = value.GetTensorDataAsSpan<Float16>();
                rented = ArrayPool<float>.Shared.Rent(halves.Length);
                var floats = rented.AsSpan(0, halves.Length);
                TensorPrimitives.ConvertToSingle(System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(halves), floats);
                return floats;
            default:
                throw new InvalidOperationException($"Model '{model}' returned {info.ElementDataType} from output '{output}'; a float or float16 tensor was expected.");
        }
    }
}
