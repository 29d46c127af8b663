using System.Numerics.Tensors;
using VectorImageSearch.Faiss;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// The FAISS store's batched duplicate scan against the scan any store gets (one neighbour search per image, through the
/// seam): the same groups, members, ranks and scores, over several blocks and with groups that need a widened search.
/// </summary>
public sealed class DuplicateScanTests
{
    private const int Dimension = 32;
    private const int Count = 2600; // three blocks of the batched scan
    private const float Threshold = 0.99f;

    [Theory]
    [InlineData("Flat")]
    [InlineData("IVF16,Flat")]
    [InlineData("HNSW16")]
    public async Task The_batched_scan_finds_the_groups_of_the_per_image_scan(string spec)
    {
        var (records, expected) = PlantedRecords();
        await using var store = new FaissImageStore(new FaissImageStoreOptions { IndexSpec = spec });
        var encoder = new VectorsOnlyEncoder(Dimension);
        await store.OpenAsync(encoder.ModelFingerprint, Dimension);
        await store.UpsertAsync(records);
        await store.ReorganiseAsync();
        var removed = records.Where((_, i) => i % 97 == 5).Select(r => r.Key).ToList(); // tombstones in HNSW
        await store.DeleteAsync(removed);
        using var batched = new ImageSearchEngine(encoder, null, store, new ImageSearchOptions());
        using var perImage = new ImageSearchEngine(encoder, null, new SeamOnlyStore(store), new ImageSearchOptions());

        var fromBatches = await GroupsAsync(batched);
        var fromSearches = await GroupsAsync(perImage);

        var plantedGroups = expected
            .Select(g => g.Except(removed).Order(StringComparer.Ordinal).ToList())
            .Where(g => g.Count > 1)
            .OrderByDescending(g => g.Count).ThenBy(g => g[0], StringComparer.Ordinal)
            .Select(g => string.Join(",", g));
        Assert.Equal(plantedGroups, fromBatches.Select(g => string.Join(",", g.Select(h => h.Key))));
        Assert.Equal(fromSearches.Count, fromBatches.Count);
        foreach (var (one, other) in fromSearches.SelectMany(g => g).Zip(fromBatches.SelectMany(g => g)))
        {
            Assert.Equal((one.Id, one.Key, one.Rank), (other.Id, other.Key, other.Rank));
            Assert.Equal(one.Score, other.Score, 1e-5f); // a batched search sums the dot products in another order
        }
    }

    private static async Task<List<IReadOnlyList<SearchHit>>> GroupsAsync(IImageSearch search)
    {
        var groups = new List<IReadOnlyList<SearchHit>>();
        await foreach (var group in search.FindDuplicatesAsync(Threshold))
        {
            groups.Add(group);
        }
        return groups;
    }

    /// <summary>
    /// Random unit vectors (far apart at 32 dimensions) with planted groups: pairs and triples of near copies, and two
    /// sets of 17 identical vectors 0.995 apart, which only a widened search links (each one's first 16 neighbours are
    /// its own copies).
    /// </summary>
    private static (List<ImageRecord> Records, List<List<string>> Groups) PlantedRecords()
    {
        var random = new Random(5);
        var vectors = new float[Count][];
        for (var i = 0; i < Count; i++)
        {
            vectors[i] = Unit(Enumerable.Range(0, Dimension).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
        }
        var groups = new List<List<int>>();
        var next = 0;
        for (var g = 0; g < 40; g++)
        {
            var original = next;
            var group = new List<int> { original };
            for (var c = 1; c < 2 + (g % 2); c++)
            {
                vectors[original + c] = Unit(vectors[original].Select(x => x + (0.01f * ((float)random.NextDouble() - 0.5f))).ToArray());
                group.Add(original + c);
            }
            groups.Add(group);
            next += group.Count + 7;
        }
        var a = vectors[next];
        var b = Unit(a.Select((x, i) => x + (i == 0 ? 0.1f : 0f)).ToArray());
        Assert.InRange(TensorPrimitives.Dot(a, b), 0.99f, 0.999f);
        var linked = new List<int>();
        for (var c = 0; c < 34; c++)
        {
            vectors[next + c] = c < 17 ? a : b;
            linked.Add(next + c);
        }
        groups.Add(linked);
        var records = vectors.Select((v, i) => new ImageRecord { Key = $"/img{i:D5}", Vector = v, ContentHash = $"{i:x16}" }).ToList();
        return (records, groups.Select(g => g.Select(i => records[i].Key).ToList()).ToList());
    }

    private static float[] Unit(float[] vector)
    {
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }
}
