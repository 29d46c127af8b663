using System.Numerics;
using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Indexes;

/// <summary>Argument checks made before any native call, so a bad argument never reaches FAISS.</summary>
internal static class VectorChecks
{
    /// <summary>The number of vectors in <paramref name="vectors"/>, which must be a non-empty multiple of <paramref name="dimension"/>.</summary>
    public static int CountVectors(ReadOnlySpan<float> vectors, int dimension, string parameterName)
    {
        if (vectors.IsEmpty)
        {
            throw new ArgumentException("At least one vector is needed.", parameterName);
        }
        if (vectors.Length % dimension != 0)
        {
            throw new ArgumentException(
                $"The span holds {vectors.Length} floats, which is not a multiple of the index's dimension {dimension}.", parameterName);
        }
        return vectors.Length / dimension;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first vector that holds NaN or an infinity.</summary>
    public static void EnsureFinite(ReadOnlySpan<float> vectors, int dimension, string parameterName)
    {
        var index = IndexOfNonFinite(vectors);
        if (index >= 0)
        {
            throw new ArgumentException(
                $"Vector {index / dimension} (component {index % dimension}) is {vectors[index]}: vectors must hold finite numbers only.",
                parameterName);
        }
    }

    /// <summary>The position of the first NaN or infinity, or -1. Uses x − x, which is 0 for finite x and NaN otherwise.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var blocks = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (var b = 0; b < blocks.Length; b++)
            {
                var v = blocks[b];
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                {
                    i = b * Vector<float>.Count;
                    break;
                }
                i = (b + 1) * Vector<float>.Count;
            }
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
