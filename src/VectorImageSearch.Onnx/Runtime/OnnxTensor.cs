using System.Buffers;
using VectorImageSearch.Onnx.Interop;

namespace VectorImageSearch.Onnx.Runtime;

/// <summary>
/// A tensor ONNX Runtime can read or write (an <c>OrtValue</c>): either a view over caller memory, pinned for the
/// tensor's lifetime and never copied, or a buffer ONNX Runtime allocated for a model output. Dispose it to release
/// the native value (and unpin the memory). Reading it from several threads is safe; disposing it while in use is not.
/// </summary>
public sealed unsafe class OnnxTensor : IDisposable
{
    private readonly OrtHandle _value;
    private readonly long[] _shape;
    private MemoryHandle _pin;

    private OnnxTensor(OrtHandle value, OnnxElementType elementType, long[] shape, MemoryHandle pin)
    {
        _value = value;
        ElementType = elementType;
        _shape = shape;
        _pin = pin;
    }

    /// <summary>The element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>The size of each axis.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount => Product(_shape);

    /// <summary>The native <c>OrtValue*</c>.</summary>
    internal OrtHandle Handle => _value;

    /// <summary>
    /// A tensor over <paramref name="data"/> without copying it: the memory is pinned until the tensor is disposed, and
    /// a model that writes the tensor (as a pre-bound output) writes into it.
    /// </summary>
    /// <typeparam name="T">A numeric element type (<see cref="float"/>, <see cref="long"/>, <see cref="int"/>, <see cref="Half"/>, …).</typeparam>
    /// <param name="data">Exactly as many elements as <paramref name="shape"/> describes.</param>
    /// <param name="shape">The size of each axis.</param>
    /// <exception cref="ArgumentException">The shape has a negative size or does not match the length of <paramref name="data"/>.</exception>
    public static OnnxTensor FromMemory<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var elementType = ElementTypeOf<T>();
        CheckShape(shape, data.Length);
        var pin = data.Pin();
        try
        {
            var value = CreateOverPointer(pin.Pointer, (long)data.Length * sizeof(T), shape, elementType);
            return new OnnxTensor(value, elementType, shape.ToArray(), pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>A tensor over <paramref name="data"/> without copying it; see <see cref="FromMemory{T}(Memory{T}, ReadOnlySpan{long})"/>.</summary>
    /// <typeparam name="T">A numeric element type.</typeparam>
    /// <param name="data">Exactly as many elements as <paramref name="shape"/> describes.</param>
    /// <param name="shape">The size of each axis.</param>
    public static OnnxTensor FromArray<T>(T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromMemory(data.AsMemory(), shape);
    }

    /// <summary>
    /// A tensor over memory the caller keeps fixed (a <c>fixed</c> span or native memory) for the tensor's whole life.
    /// Used on hot paths where the data is a <see cref="Span{T}"/> that cannot be pinned as <see cref="Memory{T}"/>.
    /// </summary>
    internal static OnnxTensor FromPointer<T>(T* data, int length, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var elementType = ElementTypeOf<T>();
        CheckShape(shape, length);
        var value = CreateOverPointer(data, (long)length * sizeof(T), shape, elementType);
        return new OnnxTensor(value, elementType, shape.ToArray(), default);
    }

    /// <summary>Wraps an <c>OrtValue*</c> ONNX Runtime allocated (a model output), reading its type and shape.</summary>
    internal static OnnxTensor FromOwnedValue(OrtApi api, IntPtr pointer)
    {
        var value = api.OwnValue(pointer);
        try
        {
            IntPtr info;
            api.Check(api.GetTensorTypeAndShape(pointer, &info));
            try
            {
                int elementType;
                api.Check(api.GetTensorElementType(info, &elementType));
                nuint rank;
                api.Check(api.GetDimensionsCount(info, &rank));
                var shape = new long[(int)rank];
                fixed (long* dims = shape)
                {
                    api.Check(api.GetDimensions(info, dims, rank));
                }
                return new OnnxTensor(value, (OnnxElementType)elementType, shape, default);
            }
            finally
            {
                api.ReleaseTensorTypeAndShapeInfo(info);
            }
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The elements, in row-major order. For a tensor over caller memory this is that memory; for a model output it is
    /// ONNX Runtime's buffer, valid until the tensor is disposed.
    /// </summary>
    /// <typeparam name="T">Must match <see cref="ElementType"/>.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the element type.</exception>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public Span<T> GetData<T>()
        where T : unmanaged
    {
        var requested = ElementTypeOf<T>();
        if (requested != ElementType)
        {
            throw new InvalidOperationException($"The tensor holds {ElementType} elements, not {requested}.");
        }
        var success = false;
        try
        {
            _value.DangerousAddRef(ref success);
            var api = OrtApi.Instance;
            void* data;
            api.Check(api.GetTensorMutableData(_value.DangerousGetHandle(), &data));
            return new Span<T>(data, checked((int)ElementCount));
        }
        finally
        {
            if (success)
            {
                _value.DangerousRelease();
            }
        }
    }

    /// <summary>Releases the native value and unpins the memory it viewed.</summary>
    public void Dispose()
    {
        _value.Dispose();
        _pin.Dispose();
        _pin = default;
    }

    /// <summary>The element type that <typeparamref name="T"/> stands for.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no ONNX element type.</exception>
    public static OnnxElementType ElementTypeOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return OnnxElementType.Float;
        if (typeof(T) == typeof(long)) return OnnxElementType.Int64;
        if (typeof(T) == typeof(int)) return OnnxElementType.Int32;
        if (typeof(T) == typeof(byte)) return OnnxElementType.UInt8;
        if (typeof(T) == typeof(sbyte)) return OnnxElementType.Int8;
        if (typeof(T) == typeof(short)) return OnnxElementType.Int16;
        if (typeof(T) == typeof(ushort)) return OnnxElementType.UInt16;
        if (typeof(T) == typeof(uint)) return OnnxElementType.UInt32;
        if (typeof(T) == typeof(ulong)) return OnnxElementType.UInt64;
        if (typeof(T) == typeof(double)) return OnnxElementType.Double;
        if (typeof(T) == typeof(Half)) return OnnxElementType.Float16;
        if (typeof(T) == typeof(bool)) return OnnxElementType.Bool;
        throw new NotSupportedException($"{typeof(T)} has no ONNX tensor element type.");
    }

    internal static long Product(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count = checked(count * dim);
        }
        return count;
    }

    private static void CheckShape(ReadOnlySpan<long> shape, int length)
    {
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] has a negative size.", nameof(shape));
            }
        }
        var count = Product(shape);
        if (count != length)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] holds {count} elements but the data has {length}.", nameof(shape));
        }
    }

    private static OrtHandle CreateOverPointer(void* data, long byteLength, ReadOnlySpan<long> shape, OnnxElementType elementType)
    {
        var api = OrtApi.Instance;
        var memoryInfo = OnnxEnvironment.Instance.CpuMemoryInfo;
        IntPtr value;
        fixed (long* dims = shape)
        {
            // ORT rejects a null data pointer even for empty tensors; any valid address will do when nothing is read.
            var pointer = data is null ? dims : data;
            api.Check(api.CreateTensorWithDataAsOrtValue(memoryInfo.DangerousGetHandle(), pointer, (nuint)byteLength,
                dims, (nuint)shape.Length, (int)elementType, &value));
        }
        return api.OwnValue(value);
    }
}
