using Microsoft.Extensions.Logging;
using VectorImageSearch.Persistence;

namespace VectorImageSearch.Faiss.Store;

/// <summary>
/// Holds an engine's vector index and hides what kinds differ in. Until the requested kind can be trained (IVF and PQ
/// need many vectors) vectors live in an exact Flat index; "Auto" grows from Flat to a partitioned index as the
/// collection grows; kinds that cannot remove vectors (HNSW) get tombstones that searches filter out.
/// Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class VectorIndexHolder : IDisposable
{
    private readonly ILogger _logger;
    private readonly HashSet<long> _tombstones = [];
    private FaissIndex _index;
    private int _threads;

    /// <summary>Starts with an empty index for <paramref name="spec"/>; with a <paramref name="budget"/>, "Auto" chooses under it.</summary>
    public VectorIndexHolder(string spec, int dimension, ILogger logger, IndexBudget? budget = null)
    {
        _logger = logger;
        Spec = spec;
        Budget = IsAuto(spec) ? budget : null;
        Dimension = dimension;
        BuiltAs = InitialDescription(spec, dimension, 0);
        _index = FaissIndexSpecs.Create(BuiltAs, dimension);
    }

    /// <summary>Takes over a loaded index that was built from the factory string <paramref name="builtAs"/>.</summary>
    public VectorIndexHolder(string spec, FaissIndex loaded, string builtAs, IEnumerable<long> tombstones, ILogger logger,
        IndexBudget? budget = null, ManifestIndexChoice? choice = null)
    {
        BuiltAs = builtAs;
        _logger = logger;
        Spec = spec;
        Budget = IsAuto(spec) ? budget : null;
        Choice = choice;
        Dimension = loaded.Dimension;
        _index = loaded;
        _tombstones.UnionWith(tombstones);
    }

    /// <summary>The spec the user asked for.</summary>
    public string Spec { get; }

    /// <summary>The budget "Auto" chooses under; <see langword="null"/> for the size rule (or a spec other than "Auto").</summary>
    public IndexBudget? Budget { get; }

    /// <summary>The last choice made under <see cref="Budget"/> (loaded from the manifest or made by <see cref="Reorganise"/>).</summary>
    public ManifestIndexChoice? Choice { get; private set; }

    /// <summary>The factory string the current index was built from.</summary>
    public string BuiltAs { get; private set; }

    /// <summary>The vector length.</summary>
    public int Dimension { get; }

    /// <summary>The index as it is now (for saving).</summary>
    public FaissIndex Index => _index;

    /// <summary>FAISS's OpenMP threads for training, adding and searching (0: FAISS's default, one per core); kept for every index this holder builds.</summary>
    public int Threads
    {
        get => _index.Threads;
        set
        {
            _threads = value;
            _index.Threads = value;
        }
    }

    /// <summary>Vectors searchable now (tombstoned ones excluded).</summary>
    public long Count => _index.Count - _tombstones.Count;

    /// <summary>Ids removed from the catalog whose vectors the index kind could not drop.</summary>
    public IReadOnlyCollection<long> Tombstones => _tombstones;

    /// <summary>Adds vectors under ids.</summary>
    public void Add(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids) => _index.Add(vectors, ids);

    /// <summary>Removes vectors; kinds that cannot remove keep them as tombstones.</summary>
    public void Remove(ReadOnlySpan<long> ids)
    {
        try
        {
            _index.Remove(ids);
        }
        catch (NotSupportedException)
        {
            foreach (var id in ids)
            {
                _tombstones.Add(id);
            }
        }
    }

    /// <summary>The <paramref name="k"/> nearest live vectors to <paramref name="query"/>.</summary>
    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int k, VectorSearchOptions? options = null)
    {
        if (_index.Count == 0)
        {
            return [];
        }
        return Live(_index.Search(query, Fetch(k), options), k);
    }

    /// <summary>The <paramref name="k"/> nearest live vectors to each query of <paramref name="queries"/> (laid end to end), in one batched search.</summary>
    public IReadOnlyList<VectorMatch>[] SearchBatch(ReadOnlySpan<float> queries, int k)
    {
        if (_index.Count == 0)
        {
            return Enumerable.Repeat<IReadOnlyList<VectorMatch>>([], queries.Length / Dimension).ToArray();
        }
        var found = _index.SearchBatch(queries, Fetch(k));
        for (var q = 0; q < found.Length; q++)
        {
            found[q] = Live(found[q], k);
        }
        return found;
    }

    /// <summary>How many neighbours to ask FAISS for so that <paramref name="k"/> live ones remain after tombstones are dropped.</summary>
    private int Fetch(int k) => (int)Math.Min(_index.Count, (long)k + _tombstones.Count);

    /// <summary>The first <paramref name="k"/> of <paramref name="matches"/> that are not tombstoned.</summary>
    private IReadOnlyList<VectorMatch> Live(IReadOnlyList<VectorMatch> matches, int k) =>
        _tombstones.Count == 0 ? matches : matches.Where(m => !_tombstones.Contains(m.Id)).Take(k).ToList();

    /// <summary>
    /// Rebuilds the index when the requested kind can now be trained, "Auto" calls for another kind at this size, or
    /// tombstones take over a fifth of it. <paramref name="liveIds"/> are the ids the catalog holds.
    /// </summary>
    /// <returns>Whether the index was rebuilt.</returns>
    /// <param name="liveIds">The ids the catalog holds.</param>
    /// <param name="tuningQueries">Queries to tune a budgeted choice on (text embeddings); empty to hold back indexed vectors.</param>
    /// <exception cref="InvalidOperationException">Under a budget, no kind meets it; the index stays as it was.</exception>
    public bool Reorganise(IReadOnlyCollection<long> liveIds, ReadOnlySpan<float> tuningQueries = default)
    {
        if (Budget is not null)
        {
            return ReorganiseUnderBudget(liveIds, tuningQueries);
        }
        var current = BuiltAs;
        var wanted = InitialDescription(Spec, Dimension, liveIds.Count);
        var tooManyTombstones = _tombstones.Count > 0 && _tombstones.Count * 5 > _index.Count;
        if (wanted == current && !tooManyTombstones)
        {
            return false;
        }
        if (IsLossy(current))
        {
            _logger.LogInformation("Not rebuilding the {Current} index as {Wanted}: its vectors are compressed", current, wanted);
            return false;
        }
        Rebuild(wanted, liveIds);
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _index.Dispose();

    /// <summary>
    /// Chooses again under the budget when nothing was chosen yet, when the collection has doubled or halved since the last
    /// choice, or when tombstones take over a fifth of the index; lossy indexes are not rebuilt from their codes.
    /// </summary>
    private bool ReorganiseUnderBudget(IReadOnlyCollection<long> liveIds, ReadOnlySpan<float> tuningQueries)
    {
        var count = liveIds.Count;
        if (count == 0)
        {
            return false;
        }
        var tooManyTombstones = _tombstones.Count > 0 && _tombstones.Count * 5 > _index.Count;
        if (Choice is { } last && !tooManyTombstones && count < 2 * last.VectorCount && 2L * count > last.VectorCount)
        {
            return false;
        }
        if (IsLossy(BuiltAs))
        {
            _logger.LogInformation("Not choosing again for {Count} vectors: the {Current} index holds compressed vectors", count, BuiltAs);
            return false;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (vectors, ids) = LiveVectors(liveIds);
        var rebuilt = IndexChooser.ChooseAndBuild(IndexSpec.Auto(0, Budget!), vectors, ids, tuningQueries, Dimension, VectorMetric.InnerProduct, _logger, out var choice);
        Install(rebuilt, choice.FactoryString);
        Choice = ManifestIndexChoice.From(choice);
        _logger.LogInformation("Rebuilt the vector index as {Description} over {Count} vectors in {Elapsed} ms (chosen under the budget)",
            choice.FactoryString, ids.Length, started.ElapsedMilliseconds);
        return true;
    }

    private (float[] Vectors, long[] Ids) LiveVectors(IReadOnlyCollection<long> liveIds)
    {
        var vectors = new float[(long)liveIds.Count * Dimension];
        var ids = new long[liveIds.Count];
        var row = 0;
        foreach (var id in liveIds)
        {
            _index.Reconstruct(id, vectors.AsSpan(row * Dimension, Dimension));
            ids[row++] = id;
        }
        return (vectors, ids);
    }

    private void Install(FaissIndex rebuilt, string description)
    {
        var old = _index;
        rebuilt.Threads = _threads;
        _index = rebuilt;
        BuiltAs = description;
        _tombstones.Clear();
        old.Dispose();
    }

    private static bool IsAuto(string spec) => string.Equals(spec.Trim(), "Auto", StringComparison.OrdinalIgnoreCase);

    private static string InitialDescription(string spec, int dimension, long count)
    {
        var target = FaissIndexSpecs.Resolve(spec, dimension, count);
        var needed = FaissIndexSpecs.MinimumTrainingVectors(target);
        return count >= needed ? target : FaissIndexSpecs.Resolve("Flat", dimension, count);
    }

    private void Rebuild(string description, IReadOnlyCollection<long> liveIds)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (vectors, ids) = LiveVectors(liveIds);
        var rebuilt = FaissIndexSpecs.Create(description, Dimension);
        rebuilt.Threads = _threads;
        try
        {
            if (!rebuilt.IsTrained)
            {
                rebuilt.Train(vectors);
            }
            rebuilt.Add(vectors, ids);
        }
        catch
        {
            rebuilt.Dispose();
            throw;
        }
        Install(rebuilt, description);
        _logger.LogInformation("Rebuilt the vector index as {Description} over {Count} vectors in {Elapsed} ms",
            description, ids.Length, started.ElapsedMilliseconds);
    }

    private static bool IsLossy(string description) =>
        description.Contains("PQ", StringComparison.OrdinalIgnoreCase) || description.Contains("SQ", StringComparison.OrdinalIgnoreCase);
}
