using System.Numerics.Tensors;

namespace VectorImageSearch;

/// <summary>
/// Checks what callers hand an <see cref="IImageRecordStore"/> before anything changes: the store seam's contract on
/// batches and vectors, shared as source by the store packages (the FAISS folder store, the vector-store adapter).
/// </summary>
internal static class ImageRecordChecks
{
    /// <summary>How far from 1 the length of a vector may be and still count as L2-normalised (float32 encoders land within 1e-5).</summary>
    private const float NormTolerance = 1e-3f;

    /// <summary>
    /// Throws unless every record has a key (unique in the batch), a content hash and a finite vector of
    /// <paramref name="dimension"/>. Normalisation is checked (<see cref="ValidateNorm"/>) for the vectors that are added:
    /// a vector handed back as the store gave it (decoded from PQ codes, say) is never refused.
    /// </summary>
    public static void ValidateBatch(IReadOnlyList<ImageRecord> records, int dimension)
    {
        var keys = new HashSet<string>(records.Count, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} of the batch is null.", nameof(records));
            if (string.IsNullOrEmpty(record.Key))
            {
                throw new ArgumentException($"Record {i} of the batch has an empty key.", nameof(records));
            }
            if (!keys.Add(record.Key))
            {
                throw new ArgumentException($"The key '{record.Key}' occurs twice in one batch; a batch holds each key once.", nameof(records));
            }
            if (record.ContentHash is null)
            {
                throw new ArgumentException($"The record '{record.Key}' has no content hash.", nameof(records));
            }
            ValidateShape(record.Vector.Span, dimension, $"The vector of '{record.Key}'", nameof(records));
        }
    }

    /// <summary>Throws unless <paramref name="vector"/> is finite, L2-normalised and of <paramref name="dimension"/>.</summary>
    public static void ValidateVector(ReadOnlySpan<float> vector, int dimension, string what, string parameter)
    {
        ValidateShape(vector, dimension, what, parameter);
        ValidateNorm(vector, what, parameter);
    }

    /// <summary>Throws unless <paramref name="vector"/> has length 1 (within float32 rounding).</summary>
    public static void ValidateNorm(ReadOnlySpan<float> vector, string what, string parameter)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (MathF.Abs(norm - 1f) > NormTolerance)
        {
            throw new ArgumentException($"{what} is not L2-normalised (its length is {norm}); normalise it before storing or searching.", parameter);
        }
    }

    private static void ValidateShape(ReadOnlySpan<float> vector, int dimension, string what, string parameter)
    {
        if (vector.Length != dimension)
        {
            throw new ArgumentException($"{what} has {vector.Length} values; this store holds vectors of dimension {dimension}.", parameter);
        }
        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"{what} holds a non-finite value ({vector[i]}) at position {i}.", parameter);
            }
        }
    }
}
