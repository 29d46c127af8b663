using System.Text.RegularExpressions;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.Indexes;

/// <summary>The facade's vector indexes on FAISS: inner-product indexes from "Auto" or factory strings.</summary>
internal sealed partial class FaissVectorIndexBackend : IVectorIndexBackend
{
    /// <inheritdoc />
    public string Resolve(string spec, int dimension, long vectorCount) =>
        ParseSpec(spec).Resolve(vectorCount, dimension).ToFactoryString(dimension, vectorCount);

    /// <inheritdoc />
    public long MinimumTrainingVectors(string description, int dimension)
    {
        long minimum = 0;
        var ivf = IvfCells().Match(description);
        if (ivf.Success)
        {
            minimum = long.Parse(ivf.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * IndexSpec.MinimumPointsPerCell;
        }
        var pq = PqBits().Match(description);
        if (pq.Success)
        {
            var bits = pq.Groups[2].Success ? int.Parse(pq.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 8;
            minimum = Math.Max(minimum, (1L << bits) * IndexSpec.MinimumPointsPerCell);
        }
        return minimum;
    }

    /// <inheritdoc />
    public IVectorIndex Create(string description, int dimension) =>
        FaissIndex.Create(dimension, IndexSpec.Factory(description), VectorMetric.InnerProduct);

    /// <inheritdoc />
    public IVectorIndex Load(string path) => FaissIndex.Load(path);

    /// <inheritdoc />
    public void Reconstruct(IVectorIndex index, long id, Span<float> destination) =>
        ((FaissIndex)index).Reconstruct(id, destination);

    /// <summary>Reads the options' spec: "Auto" or a FAISS factory string.</summary>
    public static IndexSpec ParseSpec(string spec) =>
        string.Equals(spec.Trim(), "Auto", StringComparison.OrdinalIgnoreCase) ? IndexSpec.Auto() : IndexSpec.Factory(spec.Trim());

    [GeneratedRegex(@"IVF(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex IvfCells();

    [GeneratedRegex(@"PQ(\d+)(?:x(\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex PqBits();
}
