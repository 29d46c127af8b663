using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Constant inputs for the side of a combined CLIP graph (both towers in one <c>model.onnx</c>) that an encoder does
/// not use: a start and an end token for the image encoder, a zero image for the text encoder.
/// </summary>
internal static class ImageModelConstants
{
    private const long ClipStartToken = 49406;
    private const long ClipEndToken = 49407;

    /// <summary>Values for every input but <paramref name="pixelInput"/>, which must be CLIP's token inputs.</summary>
    /// <exception cref="ModelLoadException">Another input is not one the image encoder can feed.</exception>
    public static (string[] Names, OrtValue[] Values) Create(ModelSession session, int pixelInput, string purpose)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            for (var i = 0; i < session.Inputs.Count; i++)
            {
                if (i == pixelInput)
                {
                    continue;
                }
                var info = session.Inputs[i];
                var isTokenInput = info.Name is "input_ids" or "attention_mask" or "position_ids";
                if (!isTokenInput || !info.IsTensor || info.Rank != 2 || info.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32))
                {
                    throw new ModelLoadException(session.File,
                        $"the model also needs input '{info}', which the {purpose} cannot feed (it feeds images, and dummy input_ids/attention_mask/position_ids to a combined CLIP graph).");
                }
                var length = info.Dimensions[1] > 0 ? (int)info.Dimensions[1] : 2;
                var tokens = new long[length];
                for (var t = 0; t < length; t++)
                {
                    tokens[t] = info.Name switch
                    {
                        "input_ids" => t == 0 ? ClipStartToken : t == 1 ? ClipEndToken : 0,
                        "attention_mask" => t < 2 ? 1 : 0,
                        _ => t,
                    };
                }
                values.Add(TensorValues.Constant(tokens, [1, length], info.ElementType));
                names.Add(info.Name);
            }
            return (names.ToArray(), values.ToArray());
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }
    }

    /// <summary>A zero image for every input of a combined graph that the text encoder does not feed.</summary>
    /// <exception cref="ModelLoadException">Another input is not CLIP's <c>pixel_values</c>.</exception>
    public static (string[] Names, OrtValue[] Values) CreateImageDummies(ModelSession session, IReadOnlyCollection<int> textInputs)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            for (var i = 0; i < session.Inputs.Count; i++)
            {
                if (textInputs.Contains(i))
                {
                    continue;
                }
                var info = session.Inputs[i];
                if (info.Name != "pixel_values" || !info.IsFloating || info.Rank != 4)
                {
                    throw new ModelLoadException(session.File,
                        $"the model also needs input '{info}', which the CLIP text encoder cannot feed (it feeds input_ids, attention_mask, position_ids, and a dummy pixel_values to a combined CLIP graph).");
                }
                long[] shape = [1, info.Dimensions[1] > 0 ? info.Dimensions[1] : 3, info.Dimensions[2] > 0 ? info.Dimensions[2] : 224, info.Dimensions[3] > 0 ? info.Dimensions[3] : 224];
                values.Add(TensorValues.Constant(new long[shape[1] * shape[2] * shape[3]], shape, info.ElementType));
                names.Add(info.Name);
            }
            return (names.ToArray(), values.ToArray());
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }
    }
}
