using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace VectorImageSearch.VectorData.Collections;

/// <summary>Converts between the vector types a record may declare and the L2-normalised vectors the store holds.</summary>
internal static class RecordVectors
{
    public static bool IsVectorType(Type type) =>
        type == typeof(ReadOnlyMemory<float>) || type == typeof(ReadOnlyMemory<float>?) || type == typeof(float[]) || type == typeof(Embedding<float>);

    /// <summary>The vector held by a value of a vector type, or <see langword="null"/> when <paramref name="value"/> is not one.</summary>
    public static ReadOnlyMemory<float>? TryRead(object? value) => value switch
    {
        ReadOnlyMemory<float> memory => memory,
        float[] array => new ReadOnlyMemory<float>(array),
        Embedding<float> embedding => embedding.Vector,
        // Typed: a bare null would become an empty vector through float[]'s conversion to ReadOnlyMemory<float>.
        _ => (ReadOnlyMemory<float>?)null,
    };

    /// <summary>A value of <paramref name="type"/> holding <paramref name="vector"/>.</summary>
    public static object Write(ReadOnlyMemory<float> vector, Type type)
    {
        if (type == typeof(float[]))
        {
            return vector.ToArray();
        }
        if (type == typeof(Embedding<float>))
        {
            return new Embedding<float>(vector);
        }
        return vector;
    }

    /// <summary>
    /// A copy of <paramref name="vector"/> scaled to length 1, after checking its dimension and values: cosine similarity
    /// does not depend on length, and the store holds unit vectors.
    /// </summary>
    /// <exception cref="ArgumentException">The vector has another dimension, a non-finite value, or length 0.</exception>
    public static float[] Normalised(ReadOnlySpan<float> vector, int dimension, string what, string parameter)
    {
        if (vector.Length != dimension)
        {
            throw new ArgumentException($"{what} has {vector.Length} values; the collection holds vectors of dimension {dimension}.", parameter);
        }
        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"{what} holds a non-finite value ({vector[i]}) at position {i}.", parameter);
            }
        }
        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw new ArgumentException($"{what} has length {norm}; a vector compared by cosine similarity needs a non-zero length.", parameter);
        }
        var result = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, result);
        return result;
    }
}
