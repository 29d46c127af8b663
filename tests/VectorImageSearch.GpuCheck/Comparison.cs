namespace VectorImageSearch.GpuCheck;

/// <summary>How far two sets of embeddings of the same inputs are apart.</summary>
internal readonly record struct Comparison(double MinCosine, double MaxAbsDifference, bool BitwiseIdentical)
{
    public static Comparison Of(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual)
    {
        if (expected.Count != actual.Count)
        {
            throw new InvalidOperationException($"{expected.Count} embeddings against {actual.Count}.");
        }
        var minCosine = double.MaxValue;
        var maxAbs = 0.0;
        var identical = true;
        for (var i = 0; i < expected.Count; i++)
        {
            var (a, b) = (expected[i], actual[i]);
            double dot = 0, na = 0, nb = 0;
            for (var j = 0; j < a.Length; j++)
            {
                dot += (double)a[j] * b[j];
                na += (double)a[j] * a[j];
                nb += (double)b[j] * b[j];
                maxAbs = Math.Max(maxAbs, Math.Abs(a[j] - b[j]));
                identical &= BitConverter.SingleToInt32Bits(a[j]) == BitConverter.SingleToInt32Bits(b[j]);
            }
            minCosine = Math.Min(minCosine, dot / Math.Sqrt(na * nb));
        }
        return new Comparison(minCosine, maxAbs, identical);
    }

    public override string ToString() =>
        $"min cosine {MinCosine:F7}, max |diff| {MaxAbsDifference:E2}, bitwise identical {(BitwiseIdentical ? "yes" : "no")}";
}
