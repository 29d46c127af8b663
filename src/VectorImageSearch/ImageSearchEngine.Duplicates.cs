using System.Runtime.CompilerServices;
using VectorImageSearch.Faiss;
using VectorImageSearch.Querying;

namespace VectorImageSearch;

/// <summary>Library-wide near-duplicate groups: the neighbours of every image (a block at a time for the FAISS store), then connected components.</summary>
internal sealed partial class ImageSearchEngine
{
    private const int InitialDuplicateNeighbours = 16;

    /// <summary>Records per batched FAISS search in the scan: 1,024 searched 6.7× faster per record than single searches (Flat, 20,000 × 512).</summary>
    private const int DuplicateScanBlock = 1024;

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<SearchHit>> FindDuplicatesAsync(float threshold = 0.99f, IProgress<DuplicateScanProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!(threshold is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The duplicate threshold is a cosine similarity greater than 0 and at most 1.");
        }
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<ImageRecord>();
        await foreach (var record in _store.ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }
        var positions = new Dictionary<long, int>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            positions[records[i].Id] = i;
        }
        var sets = new UnionFind(records.Count);
        var best = new float[records.Count];
        Array.Fill(best, float.NegativeInfinity);
        var gate = new object();
        long scanned = 0, linked = 0;

        // Links record i to each neighbour the scan found for it; thread-safe.
        void Link(int i, IReadOnlyList<ImageRecordMatch> neighbours)
        {
            lock (gate)
            {
                foreach (var (record, score) in neighbours)
                {
                    if (record.Id == records[i].Id || !positions.TryGetValue(record.Id, out var j))
                    {
                        continue; // itself, or added since the listing
                    }
                    if (float.IsNegativeInfinity(best[i]))
                    {
                        linked++;
                    }
                    if (float.IsNegativeInfinity(best[j]))
                    {
                        linked++;
                    }
                    best[i] = Math.Max(best[i], score);
                    best[j] = Math.Max(best[j], score);
                    sets.Union(i, j);
                }
                scanned++;
                if (progress is not null && (scanned % 1024 == 0 || scanned == records.Count))
                {
                    progress.Report(new DuplicateScanProgress(scanned, records.Count, linked));
                }
            }
        }

        if (_store is FaissImageStore faiss)
        {
            await ScanInBlocksAsync(faiss, records, threshold, Link, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, records.Count),
                new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
                async (i, token) => Link(i, await NeighboursAboveAsync(records[i].Key, threshold, records.Count, token).ConfigureAwait(false))).ConfigureAwait(false);
        }

        var groups = new Dictionary<int, List<int>>();
        for (var i = 0; i < records.Count; i++)
        {
            if (float.IsNegativeInfinity(best[i]))
            {
                continue;
            }
            var root = sets.Find(i);
            if (!groups.TryGetValue(root, out var members))
            {
                groups[root] = members = [];
            }
            members.Add(i);
        }
        foreach (var members in groups.Values
            .Select(m => m.OrderBy(i => records[i].Key, StringComparer.Ordinal).ToList())
            .OrderByDescending(m => m.Count)
            .ThenBy(m => records[m[0]].Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hits = new List<SearchHit>(members.Count);
            foreach (var i in members)
            {
                hits.Add(new SearchHit(records[i].Id, records[i].Key, best[i], hits.Count + 1, records[i].Metadata));
            }
            yield return hits;
        }
    }

    /// <summary>
    /// The FAISS store's scan: the neighbours of a block of records come from one batched search (BLAS for an exact
    /// index); a record whose every neighbour found qualifies widens alone, through <see cref="NeighboursAboveAsync"/>.
    /// </summary>
    private async Task ScanInBlocksAsync(FaissImageStore store, List<ImageRecord> records, float threshold, Action<int, IReadOnlyList<ImageRecordMatch>> link, CancellationToken cancellationToken)
    {
        var k = Math.Min(InitialDuplicateNeighbours, records.Count);
        for (var start = 0; start < records.Count; start += DuplicateScanBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var keys = records.GetRange(start, Math.Min(DuplicateScanBlock, records.Count - start)).ConvertAll(r => r.Key);
            var found = await Task.Run(() => store.NeighboursOf(keys, k, threshold), cancellationToken).ConfigureAwait(false);
            for (var b = 0; b < keys.Count; b++)
            {
                var neighbours = AllFound(found[b].Count, k, records.Count)
                    ? found[b]
                    : await NeighboursAboveAsync(keys[b], threshold, records.Count, cancellationToken, firstK: Wider(k, records.Count)).ConfigureAwait(false);
                link(start + b, neighbours);
            }
        }
    }

    /// <summary>
    /// The images at least <paramref name="threshold"/> similar to the image <paramref name="key"/> (itself included),
    /// widening the search until one falls below; the first search asks for <paramref name="firstK"/> (by default
    /// <see cref="InitialDuplicateNeighbours"/>).
    /// </summary>
    private async Task<IReadOnlyList<ImageRecordMatch>> NeighboursAboveAsync(string key, float threshold, int total, CancellationToken cancellationToken, int firstK = InitialDuplicateNeighbours)
    {
        var record = await _store.GetAsync(key, includeVector: true, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return []; // removed since the listing
        }
        var k = Math.Min(firstK, total);
        while (true)
        {
            var matches = await _store.SearchAsync(record.Vector, new ImageStoreSearchOptions { K = k, MinScore = threshold }, cancellationToken).ConfigureAwait(false);
            if (AllFound(matches.Count, k, total))
            {
                return matches;
            }
            k = Wider(k, total);
        }
    }

    /// <summary>
    /// Whether a search for <paramref name="k"/> neighbours with the threshold as least score found them all: some fell
    /// below it (fewer than k came back), or k already covered the whole index.
    /// </summary>
    private static bool AllFound(int found, int k, int total) => found < k || k >= total;

    /// <summary>The next, wider search: four times as many neighbours, at most the whole index.</summary>
    private static int Wider(int k, int total) => (int)Math.Min((long)k * 4, total);
}
