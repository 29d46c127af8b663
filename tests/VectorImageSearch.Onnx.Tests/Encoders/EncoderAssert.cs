using System.Numerics.Tensors;

namespace VectorImageSearch.Onnx.Tests.Encoders;

internal static class EncoderAssert
{
    public static void UnitLength(ReadOnlySpan<float> vector) =>
        Assert.InRange(TensorPrimitives.Norm(vector), 1f - 1e-5f, 1f + 1e-5f);

    public static void Close(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"Element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }

    public static float MaxDifference(float[] a, float[] b)
    {
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }
        return max;
    }
}
