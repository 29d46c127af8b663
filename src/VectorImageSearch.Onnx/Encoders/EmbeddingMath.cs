using System.Numerics.Tensors;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>Pooling and L2 normalisation of model outputs, with SIMD primitives and no allocation.</summary>
internal static class EmbeddingMath
{
    /// <summary>Scales <paramref name="vector"/> to unit length; a zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>Normalises each row of <paramref name="rows"/> (rows of <paramref name="dimension"/> floats).</summary>
    public static void NormalizeRows(Span<float> rows, int dimension)
    {
        for (var offset = 0; offset < rows.Length; offset += dimension)
        {
            Normalize(rows.Slice(offset, dimension));
        }
    }

    /// <summary>
    /// Writes one pooled row per item of <paramref name="output"/> (row-major, <paramref name="shape"/>) into
    /// <paramref name="destination"/>: rank 2 copied, rank 4 averaged over H × W, rank 3 first token or token mean.
    /// </summary>
    public static void Pool(ReadOnlySpan<float> output, ReadOnlySpan<long> shape, EmbeddingPooling pooling, Span<float> destination)
    {
        var count = (int)shape[0];
        switch (pooling)
        {
            case EmbeddingPooling.None:
                output[..destination.Length].CopyTo(destination);
                break;
            case EmbeddingPooling.GlobalAverage:
            {
                var channels = (int)shape[1];
                var plane = (int)(shape[2] * shape[3]);
                for (var n = 0; n < count; n++)
                {
                    var item = output.Slice(n * channels * plane, channels * plane);
                    var row = destination.Slice(n * channels, channels);
                    for (var c = 0; c < channels; c++)
                    {
                        row[c] = TensorPrimitives.Sum(item.Slice(c * plane, plane)) / plane;
                    }
                }
                break;
            }
            case EmbeddingPooling.ClsToken:
            {
                var tokens = (int)shape[1];
                var width = (int)shape[2];
                for (var n = 0; n < count; n++)
                {
                    output.Slice(n * tokens * width, width).CopyTo(destination.Slice(n * width, width));
                }
                break;
            }
            case EmbeddingPooling.MeanTokens:
            {
                var tokens = (int)shape[1];
                var width = (int)shape[2];
                for (var n = 0; n < count; n++)
                {
                    var row = destination.Slice(n * width, width);
                    var item = output.Slice(n * tokens * width, tokens * width);
                    item[..width].CopyTo(row);
                    for (var t = 1; t < tokens; t++)
                    {
                        TensorPrimitives.Add(row, item.Slice(t * width, width), row);
                    }
                    TensorPrimitives.Divide(row, tokens, row);
                }
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Pooling must be resolved before use.");
        }
    }

    /// <summary>Copies rows of <paramref name="dimension"/> floats into separate arrays.</summary>
    public static float[][] SplitRows(ReadOnlySpan<float> rows, int dimension)
    {
        var result = new float[rows.Length / dimension][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = rows.Slice(i * dimension, dimension).ToArray();
        }
        return result;
    }
}
