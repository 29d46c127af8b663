using System.Numerics.Tensors;

namespace VectorImageSearch.Faiss.Tests.Store;

/// <summary>Deterministic image records for the folder store's tests, and the reference search they are checked against.</summary>
internal static class StoreRecords
{
    public const string Fingerprint = "test-model:0001";

    public static ImageStoreSchema Schema(int dimension) => new(Fingerprint, dimension);

    /// <summary>An L2-normalised vector drawn from <paramref name="random"/>.</summary>
    public static float[] UnitVector(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (var j = 0; j < dimension; j++)
        {
            vector[j] = (random.NextSingle() * 2f) - 1f;
        }
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    /// <summary>
    /// <paramref name="count"/> records: keys under "/photos/a/" and "/photos/b/" alternately, metadata "group" = i % 3,
    /// last write times one hour apart from 2026-01-01.
    /// </summary>
    public static ImageRecord[] Make(int count, int dimension, int seed, string prefix = "/photos/")
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => new ImageRecord
        {
            Key = $"{prefix}{(i % 2 == 0 ? "a" : "b")}/{i:D5}.jpg",
            Vector = UnitVector(random, dimension),
            ContentHash = $"hash{i}",
            SizeBytes = 1000 + i,
            LastWriteUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i),
            Metadata = new Dictionary<string, string> { ["group"] = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }).ToArray();
    }

    /// <summary>The keys of the <paramref name="k"/> records that match <paramref name="filter"/> with the highest cosine similarity, by direct computation.</summary>
    public static List<(string Key, double Score)> Reference(IEnumerable<ImageRecord> records, ReadOnlySpan<float> query, int k, ImageRecordFilter? filter = null)
    {
        var scored = new List<(string Key, double Score)>();
        foreach (var record in records)
        {
            if (filter is not null && !filter.Matches(record))
            {
                continue;
            }
            var vector = record.Vector.Span;
            double dot = 0;
            for (var j = 0; j < vector.Length; j++)
            {
                dot += vector[j] * (double)query[j];
            }
            scored.Add((record.Key, dot));
        }
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Key, StringComparer.Ordinal).Take(k).ToList();
    }

    /// <summary>A store in memory, opened for <paramref name="dimension"/>.</summary>
    public static async Task<FaissImageStore> OpenAsync(int dimension, string spec = "Auto", string? path = null)
    {
        var store = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = spec, Path = path });
        await store.OpenAsync(Schema(dimension));
        return store;
    }
}
