namespace VectorImageSearch.Onnx.Runtime;

/// <summary>The element type of a tensor (<c>ONNXTensorElementDataType</c>).</summary>
public enum OnnxElementType
{
    /// <summary>Not a tensor, or the type is not known.</summary>
    Undefined = 0,

    /// <summary>32-bit float.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>Strings (not supported by <see cref="OnnxTensor"/>).</summary>
    String = 8,

    /// <summary>Boolean, one byte each.</summary>
    Bool = 9,

    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,

    /// <summary>64-bit float.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>Complex number of two 32-bit floats.</summary>
    Complex64 = 14,

    /// <summary>Complex number of two 64-bit floats.</summary>
    Complex128 = 15,

    /// <summary>Brain floating point, 16 bits.</summary>
    BFloat16 = 16,
}
