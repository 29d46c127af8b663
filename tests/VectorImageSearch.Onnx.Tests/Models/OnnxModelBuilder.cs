using System.Text;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VectorImageSearch.Onnx.Tests.Models;

/// <summary>
/// Writes small ONNX models (protobuf, opset 13) for tests: inputs and outputs with fixed or symbolic dimensions,
/// nodes with int and ints attributes, int64 and float initializers (inline or in an external data file). Field numbers follow onnx.proto.
/// </summary>
internal sealed class OnnxModelBuilder
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly List<byte[]> _initializers = [];
    private readonly MemoryStream _externalData = new();
    private string? _externalDataFile;

    /// <summary>Declares a graph input; each dimension is a long (fixed) or a string (symbolic).</summary>
    public OnnxModelBuilder Input(string name, TensorElementType type, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Declares a graph output; each dimension is a long (fixed) or a string (symbolic).</summary>
    public OnnxModelBuilder Output(string name, TensorElementType type, params object[] dims)
    {
        _outputs.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Declares a graph output that is a sequence of tensors of <paramref name="type"/> (rank unknown).</summary>
    public OnnxModelBuilder SequenceOutput(string name, TensorElementType type)
    {
        var tensorType = new ProtoWriter();
        tensorType.Varint(1, (ulong)type);
        var element = new ProtoWriter();
        element.Message(1, tensorType);
        var sequenceType = new ProtoWriter();
        sequenceType.Message(1, element);
        var typeProto = new ProtoWriter();
        typeProto.Message(4, sequenceType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, typeProto);
        _outputs.Add(info.ToArray());
        return this;
    }

    /// <summary>Adds a node; attributes are (name, long) or (name, long[]).</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }
        foreach (var output in outputs)
        {
            node.String(2, output);
        }
        node.String(3, $"{opType}_{_nodes.Count}");
        node.String(4, opType);
        foreach (var (name, value) in attributes)
        {
            var attribute = new ProtoWriter();
            attribute.String(1, name);
            switch (value)
            {
                case long i:
                    attribute.Varint(3, (ulong)i);
                    attribute.Varint(20, 2); // INT
                    break;
                case int i:
                    attribute.Varint(3, (ulong)(long)i);
                    attribute.Varint(20, 2);
                    break;
                case long[] ints:
                    foreach (var i in ints)
                    {
                        attribute.Varint(8, (ulong)i);
                    }
                    attribute.Varint(20, 7); // INTS
                    break;
                default:
                    throw new ArgumentException($"Unsupported attribute value {value}.");
            }
            node.Message(5, attribute);
        }
        _nodes.Add(node.ToArray());
        return this;
    }

    /// <summary>Adds an int64 constant tensor.</summary>
    public OnnxModelBuilder Initializer(string name, long[] values, params long[] dims)
    {
        var raw = new byte[values.Length * sizeof(long)];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return Initializer(name, TensorElementType.Int64, raw, dims);
    }

    /// <summary>Adds a float constant tensor.</summary>
    public OnnxModelBuilder Initializer(string name, float[] values, params long[] dims)
    {
        var raw = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        return Initializer(name, TensorElementType.Float, raw, dims);
    }

    /// <summary>
    /// Adds a float constant tensor whose bytes live in the external data file <paramref name="location"/> (beside the
    /// model, as Hugging Face exports store large weights in <c>model.onnx_data</c>); <see cref="WriteTo"/> writes it.
    /// </summary>
    public OnnxModelBuilder ExternalInitializer(string name, float[] values, string location, params long[] dims)
    {
        var raw = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        var offset = _externalData.Length;
        _externalData.Write(raw);
        _externalDataFile = location;
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Varint(1, (ulong)dim);
        }
        tensor.Varint(2, (ulong)TensorElementType.Float);
        tensor.String(8, name);
        foreach (var (key, value) in new[] { ("location", location), ("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("length", raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
        {
            var entry = new ProtoWriter();
            entry.String(1, key);
            entry.String(2, value);
            tensor.Message(13, entry);
        }
        tensor.Varint(14, 1); // data_location = EXTERNAL
        _initializers.Add(tensor.ToArray());
        return this;
    }

    /// <summary>The serialized ModelProto.</summary>
    public byte[] Build()
    {
        var graph = new ProtoWriter();
        foreach (var node in _nodes)
        {
            graph.Bytes(1, node);
        }
        graph.String(2, "test_graph");
        foreach (var initializer in _initializers)
        {
            graph.Bytes(5, initializer);
        }
        foreach (var input in _inputs)
        {
            graph.Bytes(11, input);
        }
        foreach (var output in _outputs)
        {
            graph.Bytes(12, output);
        }
        var opset = new ProtoWriter();
        opset.String(1, "");
        opset.Varint(2, 13);
        var model = new ProtoWriter();
        model.Varint(1, 8); // ir_version
        model.String(2, "VectorImageSearch.Tests");
        model.Message(7, graph);
        model.Message(8, opset);
        return model.ToArray();
    }

    /// <summary>Writes the model to a new file under <paramref name="folder"/> and returns its path.</summary>
    public string WriteTo(string folder, string relativePath)
    {
        var path = Path.Combine(folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Build());
        if (_externalDataFile is not null)
        {
            File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, _externalDataFile), _externalData.ToArray());
        }
        return path;
    }

    private OnnxModelBuilder Initializer(string name, TensorElementType type, byte[] raw, long[] dims)
    {
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Varint(1, (ulong)dim);
        }
        tensor.Varint(2, (ulong)type);
        tensor.String(8, name);
        tensor.Bytes(9, raw);
        _initializers.Add(tensor.ToArray());
        return this;
    }

    private static byte[] ValueInfo(string name, TensorElementType type, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var dim in dims)
        {
            var dimension = new ProtoWriter();
            switch (dim)
            {
                case string symbol:
                    dimension.String(2, symbol);
                    break;
                case int size:
                    dimension.Varint(1, (ulong)size);
                    break;
                case long size:
                    dimension.Varint(1, (ulong)size);
                    break;
                default:
                    throw new ArgumentException($"Unsupported dimension {dim}.");
            }
            shape.Message(1, dimension);
        }
        var tensorType = new ProtoWriter();
        tensorType.Varint(1, (ulong)type);
        tensorType.Message(2, shape);
        var typeProto = new ProtoWriter();
        typeProto.Message(1, tensorType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, typeProto);
        return info.ToArray();
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public void Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

        public void Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            _stream.Write(value);
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Key(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _stream.WriteByte((byte)value);
        }
    }
}
