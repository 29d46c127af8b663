using System.Globalization;
using System.Text.RegularExpressions;

namespace VectorImageSearch.Faiss.Store;

/// <summary>The folder store's vector indexes: inner-product FAISS indexes from "Auto" or factory strings.</summary>
internal static partial class FaissIndexSpecs
{
    /// <summary>
    /// The index to build for <paramref name="vectorCount"/> vectors under the user's <paramref name="spec"/> ("Auto" or a
    /// factory string), as a factory string; for "Auto" it depends on the count.
    /// </summary>
    public static string Resolve(string spec, int dimension, long vectorCount) =>
        ParseSpec(spec).Resolve(vectorCount, dimension).ToFactoryString(dimension, vectorCount);

    /// <summary>How many vectors the index described by <paramref name="description"/> needs before it can be trained; 0 when it needs no training.</summary>
    public static long MinimumTrainingVectors(string description)
    {
        long minimum = 0;
        var ivf = IvfCells().Match(description);
        if (ivf.Success)
        {
            minimum = long.Parse(ivf.Groups[1].Value, CultureInfo.InvariantCulture) * IndexSpec.MinimumPointsPerCell;
        }
        var pq = PqBits().Match(description);
        if (pq.Success)
        {
            var bits = pq.Groups[2].Success ? int.Parse(pq.Groups[2].Value, CultureInfo.InvariantCulture) : 8;
            minimum = Math.Max(minimum, (1L << bits) * IndexSpec.MinimumPointsPerCell);
        }
        return minimum;
    }

    /// <summary>Creates an empty inner-product index from a factory string.</summary>
    public static FaissIndex Create(string description, int dimension) =>
        FaissIndex.Create(dimension, IndexSpec.Factory(description), VectorMetric.InnerProduct);

    /// <summary>
    /// Checks that FAISS can build the index <paramref name="spec"/> asks for at <paramref name="dimension"/>, so that a
    /// factory string FAISS refuses fails when the store opens, with a public exception type, and not at the first rebuild
    /// (an IVF spec is searched with Flat until it can be trained) with the engine's internal FaissException.
    /// </summary>
    /// <exception cref="InvalidOperationException">FAISS refuses the factory string; the message names it, the dimension and FAISS's reason.</exception>
    public static void CheckBuildable(string spec, int dimension)
    {
        if (string.Equals(spec.Trim(), "Auto", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        try
        {
            using var trial = Create(Resolve(spec, dimension, 0), dimension);
        }
        catch (FaissException e)
        {
            throw new InvalidOperationException(
                $"The FAISS index spec '{spec.Trim()}' cannot be built for vectors of dimension {dimension}: {e.FaissMessage}. " +
                "Use \"Auto\" or a FAISS factory string such as \"IVF1024,Flat\", \"IVF1024,PQ32\" or \"HNSW32\".", e);
        }
    }

    /// <summary>Reads the options' spec: "Auto" or a FAISS factory string.</summary>
    public static IndexSpec ParseSpec(string spec) =>
        string.Equals(spec.Trim(), "Auto", StringComparison.OrdinalIgnoreCase) ? IndexSpec.Auto() : IndexSpec.Factory(spec.Trim());

    [GeneratedRegex(@"IVF(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex IvfCells();

    [GeneratedRegex(@"PQ(\d+)(?:x(\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex PqBits();
}
