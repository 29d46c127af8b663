using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Encoders;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx;

/// <summary>How <see cref="ClipTextEncoder"/> finds the model's token inputs and embedding output, and builds token tensors.</summary>
public sealed partial class ClipTextEncoder
{
    /// <summary>A token tensor over <paramref name="wide"/>, or over <paramref name="narrow"/> filled from it for an int32 input.</summary>
    private static OrtValue Tokens(Memory<long> wide, bool is32, Memory<int> narrow, long[] shape)
    {
        if (!is32)
        {
            return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, wide, shape);
        }
        var source = wide.Span;
        var target = narrow.Span;
        for (var c = 0; c < source.Length; c++)
        {
            target[c] = (int)source[c];
        }
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, narrow, shape);
    }

    private (int Index, bool Is32) FindTokenInput(string name, bool required)
    {
        var index = _session.GetInputIndex(name);
        if (index < 0)
        {
            return required
                ? throw new ModelLoadException(ModelFile, $"the CLIP text encoder needs an '{name}' input; the model's inputs are {ModelSession.Describe(_session.Inputs)}.")
                : (-1, false);
        }
        var info = _session.Inputs[index];
        if (!info.IsTensor || info.Rank != 2 || info.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32))
        {
            throw new ModelLoadException(ModelFile, $"input '{info}' is not the [batch, sequence] int64 or int32 tensor the CLIP text encoder feeds.");
        }
        return (index, info.ElementType == TensorElementType.Int32);
    }

    private int FindOutput()
    {
        foreach (var name in (ReadOnlySpan<string>)["text_embeds", "pooler_output", "embedding"])
        {
            var index = _session.GetOutputIndex(name);
            if (index < 0)
            {
                continue;
            }
            var info = _session.Outputs[index];
            if (!info.IsFloating || info.Rank != 2)
            {
                throw new ModelLoadException(ModelFile, $"output '{info}' is not the [N, D] float embedding the CLIP text encoder needs.");
            }
            if (info.FixedBatch > 0 && info.FixedBatch != _fixedBatch)
            {
                throw new ModelLoadException(ModelFile, $"output '{info}' has a fixed batch of {info.FixedBatch}, which its input_ids do not take.");
            }
            return index;
        }
        throw new ModelLoadException(ModelFile,
            $"the model has no 'text_embeds' (or 'pooler_output', or Immich's 'embedding') output for the CLIP text encoder; its outputs are {ModelSession.Describe(_session.Outputs)}.");
    }

    private int ProbeDimension()
    {
        // The output's second axis is dynamic: run the empty text once (at the fixed batch size, if any) and read it from the result.
        var rows = Math.Max(_fixedBatch, 1);
        var values = new List<OrtValue>();
        try
        {
            var context = MaxSequenceLength;
            var ids = new long[context];
            var count = _tokenizer.EncodeContext(string.Empty, ids);
            var length = _fixedLength > 0 ? _fixedLength : count;
            var cells = rows * length;
            var idRows = new long[cells];
            var mask = new long[cells];
            var positions = new long[cells];
            for (var i = 0; i < rows; i++)
            {
                ids.AsSpan(0, length).CopyTo(idRows.AsSpan(i * length));
                for (var j = 0; j < length; j++)
                {
                    mask[i * length + j] = j < count ? 1 : 0;
                    positions[i * length + j] = j;
                }
            }
            long[] shape = [rows, length];
            var narrow = new int[cells * 3];
            values.Add(Tokens(idRows, _ids32, narrow.AsMemory(0, cells), shape));
            if (_maskInput >= 0)
            {
                values.Add(Tokens(mask, _mask32, narrow.AsMemory(cells, cells), shape));
            }
            if (_positionInput >= 0)
            {
                values.Add(Tokens(positions, _positions32, narrow.AsMemory(2 * cells, cells), shape));
            }
            OrtValue[] inputs = [.. values, .. _extraInputs];
            using var results = _session.Run(_inputNames, inputs, _outputNames, CancellationToken.None);
            var result = results.First().GetTensorTypeAndShape().Shape;
            var dimension = result.Length == 2 ? (int)result[1] : 0;
            return dimension > 0 ? dimension
                : throw new ModelLoadException(ModelFile, $"output '{_session.Outputs[_output]}' returned no features.");
        }
        finally
        {
            values.ForEach(value => value.Dispose());
        }
    }
}
