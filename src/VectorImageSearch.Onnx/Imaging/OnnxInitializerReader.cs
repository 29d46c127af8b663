using System.Buffers.Binary;
using System.Text;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// Reads one float initializer out of an ONNX file by walking its protobuf encoding: ModelProto.graph (7) →
/// GraphProto.initializer (5) → TensorProto dims (1), data_type (2), float_data (4), name (8), raw_data (9),
/// data_location (14). Every length is checked against the bytes that are left. Reading stops at the initializer:
/// fields after it (opset_import, metadata) are not checked, since the model itself is never run from here.
/// </summary>
internal static class OnnxInitializerReader
{
    /// <summary>The largest file read: mean images are a few megabytes at most.</summary>
    internal const long MaxFileBytes = 256L * 1024 * 1024;

    private const int FloatType = 1;

    public static (long[] Dims, float[] Values) ReadFloatTensor(string path, string name)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ModelLoadException(path, "the ONNX file does not exist.");
            }
            if (info.Length > MaxFileBytes)
            {
                throw new ModelLoadException(path, $"the ONNX file is {info.Length} bytes; a mean image file may have at most {MaxFileBytes}.");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"the ONNX file cannot be read: {e.Message}", e);
        }
        try
        {
            var graphs = 0;
            var model = new Reader(bytes);
            while (model.Next(out var field, out var wire))
            {
                if (field == 7 && wire == 2)
                {
                    graphs++;
                    var graph = new Reader(model.Bytes());
                    while (graph.Next(out var graphField, out var graphWire))
                    {
                        if (graphField == 5 && graphWire == 2)
                        {
                            var tensor = graph.Bytes();
                            if (NameOf(tensor) == name)
                            {
                                return Decode(path, name, tensor);
                            }
                        }
                        else
                        {
                            graph.Skip(graphWire);
                        }
                    }
                }
                else
                {
                    model.Skip(wire);
                }
            }
            throw new ModelLoadException(path, graphs == 0
                ? "the file holds no ONNX graph."
                : $"the graph has no initializer named '{name}'.");
        }
        catch (FormatException e)
        {
            throw new ModelLoadException(path, $"the file is not a readable ONNX model: {e.Message}", e);
        }
    }

    private static string? NameOf(ReadOnlySpan<byte> tensor)
    {
        var reader = new Reader(tensor);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 8 && wire == 2)
            {
                return Encoding.UTF8.GetString(reader.Bytes());
            }
            reader.Skip(wire);
        }
        return null;
    }

    private static (long[] Dims, float[] Values) Decode(string path, string name, ReadOnlySpan<byte> tensor)
    {
        List<long> dims = [];
        List<float> floats = [];
        ReadOnlySpan<byte> raw = default;
        var hasRaw = false;
        var type = 0L;
        var reader = new Reader(tensor);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 0):
                    dims.Add(reader.Varint());
                    break;
                case (1, 2):
                    var packedDims = new Reader(reader.Bytes());
                    while (!packedDims.AtEnd)
                    {
                        dims.Add(packedDims.Varint());
                    }
                    break;
                case (2, 0):
                    type = reader.Varint();
                    break;
                case (4, 5):
                    floats.Add(BinaryPrimitives.ReadSingleLittleEndian(reader.Fixed32()));
                    break;
                case (4, 2):
                    var packed = reader.Bytes();
                    for (var i = 0; i + 4 <= packed.Length; i += 4)
                    {
                        floats.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
                    }
                    break;
                case (9, 2):
                    raw = reader.Bytes();
                    hasRaw = true;
                    break;
                case (14, 0):
                    if (reader.Varint() != 0)
                    {
                        throw new ModelLoadException(path, $"initializer '{name}' keeps its data in an external file, which is not supported here.");
                    }
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (type != FloatType)
        {
            throw new ModelLoadException(path, $"initializer '{name}' has ONNX data type {type}, not float (1).");
        }
        long count = 1;
        foreach (var dim in dims)
        {
            if (dim < 1 || dim > int.MaxValue)
            {
                throw new ModelLoadException(path, $"initializer '{name}' has a dimension of {dim}.");
            }
            count = checked(count * dim);
        }
        float[] values;
        if (hasRaw)
        {
            if (raw.Length != count * 4)
            {
                throw new ModelLoadException(path, $"initializer '{name}' of shape [{string.Join(", ", dims)}] holds {raw.Length} bytes, not {count * 4}.");
            }
            values = new float[count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
            }
        }
        else
        {
            if (floats.Count != count)
            {
                throw new ModelLoadException(path, $"initializer '{name}' of shape [{string.Join(", ", dims)}] holds {floats.Count} values, not {count}.");
            }
            values = [.. floats];
        }
        return ([.. dims], values);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public bool Next(out int field, out int wire)
        {
            if (AtEnd)
            {
                field = wire = 0;
                return false;
            }
            var key = Varint();
            field = (int)((ulong)key >> 3);
            wire = (int)(key & 7);
            if (field == 0)
            {
                throw new FormatException($"field number 0 at byte {_position}");
            }
            return true;
        }

        public long Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (AtEnd)
                {
                    throw new FormatException("a varint runs past the end of its message");
                }
                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return (long)value;
                }
            }
            throw new FormatException("a varint is longer than 10 bytes");
        }

        public ReadOnlySpan<byte> Fixed32() => Take(4);

        public ReadOnlySpan<byte> Bytes()
        {
            var length = Varint();
            if (length < 0 || length > _data.Length - _position)
            {
                throw new FormatException($"a length of {length} at byte {_position} runs past the end of its message ({_data.Length - _position} bytes left)");
            }
            return Take((int)length);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Take(8); break;
                case 2: Bytes(); break;
                case 5: Take(4); break;
                default: throw new FormatException($"wire type {wire} at byte {_position} is not used by ONNX");
            }
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > _data.Length - _position)
            {
                throw new FormatException($"{length} bytes at byte {_position} run past the end of the message");
            }
            var slice = _data.Slice(_position, length);
            _position += length;
            return slice;
        }
    }
}
