using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Faiss.Indexes;

namespace VectorImageSearch.Faiss;

/// <summary>
/// Chooses an index under an <see cref="IndexBudget"/>: walks the kinds from the most exact and fastest to the most
/// compressed, skips those whose estimated bytes at the expected count exceed the memory budget, builds the next one,
/// checks its measured bytes, and tunes its nprobe / efSearch on the tuning queries (the smallest value whose
/// recall@k against exact search meets the target with 95 % confidence: the mean less 1.645 standard errors of the
/// per-query recalls); the first kind that meets memory, recall and latency wins.
/// </summary>
/// <remarks>
/// The tuning queries should be what users will search with: text embeddings when a text encoder is configured (they sit
/// apart from the image embeddings, so an index tuned on images can miss them), otherwise held-back indexed vectors, each
/// excluded from its own results. The order tried: Flat (up to <see cref="IndexSpec.AutoFlatMaximum"/> vectors),
/// IVF-Flat, HNSW, IVF-PQ with ×4 exact re-ranking, IVF-SQ8, SQfp16, IVF-PQ. Builds train on a fixed-seed sample, so the
/// same vectors and queries give the same choice (a latency limit makes it depend on the machine).
/// </remarks>
internal static class IndexChooser
{
    private const int TrainingSeed = 7;
    private const int MaxEfSearch = 4096;

    /// <summary>
    /// Chooses and tunes an index for <paramref name="vectors"/> under <paramref name="spec"/>'s budget and returns the
    /// choice (build it with <see cref="FaissIndex.Create(int, IndexSpec, VectorMetric, long)"/> and <see cref="IndexChoice.Spec"/>).
    /// </summary>
    /// <param name="spec">An <see cref="IndexSpecKind.Auto"/> spec; its <see cref="IndexSpec.Budget"/> (default: no memory limit, recall 0.95 at 10).</param>
    /// <param name="vectors">The vectors to index, laid end to end.</param>
    /// <param name="queries">Tuning queries laid end to end (text embeddings, for a text-to-image search); empty to hold back indexed vectors.</param>
    /// <param name="dimension">The vector length.</param>
    /// <param name="metric">How vectors are compared.</param>
    /// <param name="logger">Logs each kind tried and the choice.</param>
    /// <exception cref="InvalidOperationException">No kind meets the budget; the message gives each kind's bytes and best recall.</exception>
    public static IndexChoice Choose(IndexSpec spec, ReadOnlySpan<float> vectors, ReadOnlySpan<float> queries, int dimension,
        VectorMetric metric = VectorMetric.InnerProduct, ILogger? logger = null)
    {
        var n = VectorChecks.CountVectors(vectors, dimension, nameof(vectors));
        var ids = new long[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = i;
        }
        using var index = ChooseAndBuild(spec, vectors, ids, queries, dimension, metric, logger ?? NullLogger.Instance, out var choice);
        return choice;
    }

    /// <summary>The kinds tried for <paramref name="count"/> vectors, in order (unresolved).</summary>
    internal static IReadOnlyList<IndexSpec> Candidates(long count)
    {
        var list = new List<IndexSpec>(7);
        if (count <= IndexSpec.AutoFlatMaximum)
        {
            list.Add(IndexSpec.Flat());
        }
        list.Add(IndexSpec.IvfFlat());
        list.Add(IndexSpec.Hnsw());
        list.Add(IndexSpec.IvfPq(refine: 4));
        list.Add(IndexSpec.IvfSq8());
        list.Add(IndexSpec.SqFp16());
        list.Add(IndexSpec.IvfPq());
        return list;
    }

    /// <summary>Chooses, builds and tunes; returns the built index (with its tuned default parameter set) and the choice.</summary>
    internal static FaissIndex ChooseAndBuild(IndexSpec spec, ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids, ReadOnlySpan<float> queries,
        int dimension, VectorMetric metric, ILogger logger, out IndexChoice choice)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != IndexSpecKind.Auto)
        {
            throw new ArgumentException($"IndexChooser needs an Auto spec with a budget, not {spec}.", nameof(spec));
        }
        var budget = spec.Budget ?? new IndexBudget();
        budget.Validate();
        var n = VectorChecks.CountVectors(vectors, dimension, nameof(vectors));
        if (ids.Length != n)
        {
            throw new ArgumentException($"{ids.Length} ids were given for {n} vectors.", nameof(ids));
        }
        if (n == 0)
        {
            throw new ArgumentException("IndexChooser needs the vectors to index; none were given.", nameof(vectors));
        }
        var k = (int)Math.Min(budget.RecallK, n);
        var expected = Math.Max(spec.ExpectedCount, n);
        var target = budget.EffectiveRecall;

        var sample = TuningSample(budget, vectors, ids, queries, dimension, n);
        var truth = ExactNeighbours(vectors, ids, sample, dimension, metric, k);
        var rejected = new List<string>();
        var started = Stopwatch.StartNew();
        foreach (var candidate in Candidates(expected))
        {
            var resolved = candidate.Resolve(expected, dimension);
            var name = resolved.ToFactoryString(dimension, expected);
            var estimate = resolved.EstimatedBytes(expected, dimension);
            if (budget.MemoryBytes > 0 && estimate > budget.MemoryBytes)
            {
                rejected.Add(Line($"{name}: needs ~{estimate:N0} bytes at {expected:N0} vectors (estimated), over the budget of {budget.MemoryBytes:N0}"));
                continue;
            }
            // Built on the n vectors at hand: an IVF sized for a larger expected count keeps at least 39 training points per cell.
            var cap = (int)Math.Max(1, n / IndexSpec.MinimumPointsPerCell);
            var built = resolved.NList > cap ? (resolved with { NList = cap, NProbe = 0 }).Resolve(n, dimension) : resolved;
            var index = Build(built, vectors, ids, n, dimension, metric);
            try
            {
                var measured = index.SerializedSize();
                var perVector = Math.Max(0, estimate - resolved.EstimatedBytes(0, dimension)) / (double)expected;
                var projected = measured + (long)Math.Ceiling(perVector * (expected - n));
                if (budget.MemoryBytes > 0 && projected > budget.MemoryBytes)
                {
                    rejected.Add(Line($"{name}: measured {measured:N0} bytes at {n:N0} vectors, ~{projected:N0} at {expected:N0}, over the budget of {budget.MemoryBytes:N0}"));
                    index.Dispose();
                    continue;
                }
                var (tuned, recall, tried) = Tune(index, sample, truth, k, target);
                if (recall.Lower < target)
                {
                    rejected.Add(Line($"{name}: recall@{k} {recall.Mean:F4} at best ({tried}; 95 % lower bound {recall.Lower:F4}), below the target {target:F4}"));
                    index.Dispose();
                    continue;
                }
                TimeSpan? latency = null;
                if (budget.MaxQueryLatency > TimeSpan.Zero)
                {
                    latency = MedianLatency(index, sample.Queries, dimension, k, tuned);
                    if (latency > budget.MaxQueryLatency)
                    {
                        rejected.Add(Line($"{name}: recall@{k} {recall.Mean:F4} ({tried}) but a median query of {latency.Value.TotalMilliseconds:F3} ms, over the limit of {budget.MaxQueryLatency.TotalMilliseconds:F3} ms"));
                        index.Dispose();
                        continue;
                    }
                }
                index.SetDefaultSearchOptions(nprobe: tuned.NProbe, efSearch: tuned.EfSearch);
                var chosenSpec = built with
                {
                    NProbe = tuned.NProbe ?? built.NProbe,
                    EfSearch = tuned.EfSearch ?? built.EfSearch,
                };
                choice = new IndexChoice
                {
                    Spec = chosenSpec,
                    FactoryString = name,
                    Budget = budget,
                    VectorCount = n,
                    ExpectedCount = expected,
                    MeasuredBytes = measured,
                    ProjectedBytes = projected,
                    Recall = recall.Mean,
                    RecallLowerBound = recall.Lower,
                    QueryCount = sample.Count,
                    QuerySource = sample.Held is null ? "queries" : "held-back vectors",
                    MedianLatency = latency,
                    Rejected = rejected,
                };
                logger.LogInformation("Chose the vector index {Choice} in {Elapsed} ms under a budget of {Budget} bytes, recall@{K} >= {Target}; passed over: {Rejected}",
                    choice, started.ElapsedMilliseconds, budget.MemoryBytes, k, target, rejected.Count == 0 ? "none" : string.Join("; ", rejected));
                return index;
            }
            catch
            {
                index.Dispose();
                throw;
            }
        }
        throw new InvalidOperationException(Line(
            $"No index kind meets the budget for {expected:N0} vectors of dimension {dimension}: memory {(budget.MemoryBytes > 0 ? budget.MemoryBytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes" : "unlimited")}, recall@{k} >= {target:F4} on {sample.Count} {(sample.Held is null ? "queries" : "held-back vectors")}")
            + (budget.MaxQueryLatency > TimeSpan.Zero ? Line($", median query <= {budget.MaxQueryLatency.TotalMilliseconds:F3} ms") : string.Empty)
            + ". " + string.Join("; ", rejected) + ". Raise the memory budget or lower the target recall.");
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static FaissIndex Build(IndexSpec spec, ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids, int n, int dimension, VectorMetric metric)
    {
        var index = FaissIndex.Create(dimension, spec, metric, n);
        try
        {
            var training = (int)Math.Min(int.MaxValue, spec.RecommendedTrainingCount(n, dimension));
            if (!index.IsTrained)
            {
                index.Train(vectors, Math.Max(1, training), TrainingSeed);
            }
            index.Add(vectors, ids);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>The tuning queries: the given ones, or a fixed-seed sample of indexed vectors (<see cref="TuningSet.Held"/> holds their ids).</summary>
    private static TuningSet TuningSample(IndexBudget budget, ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids, ReadOnlySpan<float> queries, int dimension, int n)
    {
        if (!queries.IsEmpty)
        {
            var count = VectorChecks.CountVectors(queries, dimension, nameof(queries));
            VectorChecks.EnsureFinite(queries, dimension, nameof(queries));
            return new TuningSet(queries.ToArray(), count, null);
        }
        var take = Math.Max(1, Math.Min(budget.TuningQueries, n / 10));
        var rows = Enumerable.Range(0, n).ToArray();
        new Random(TrainingSeed).Shuffle(rows);
        Array.Sort(rows, 0, take);
        var sample = new float[take * dimension];
        var held = new long[take];
        for (var i = 0; i < take; i++)
        {
            vectors.Slice(rows[i] * dimension, dimension).CopyTo(sample.AsSpan(i * dimension, dimension));
            held[i] = ids[rows[i]];
        }
        return new TuningSet(sample, take, held);
    }

    private static long[] ExactNeighbours(ReadOnlySpan<float> vectors, ReadOnlySpan<long> ids, TuningSet sample, int dimension, VectorMetric metric, int k)
    {
        using var exact = FaissIndex.Create(dimension, IndexSpec.Flat(), metric);
        exact.Add(vectors, ids);
        return Neighbours(exact, sample, k, options: null);
    }

    /// <summary>The top <paramref name="k"/> ids per tuning query; a held-back query's own id is left out.</summary>
    private static long[] Neighbours(FaissIndex index, TuningSet sample, int k, VectorSearchOptions? options)
    {
        var fetch = (int)Math.Min(index.Count, sample.Held is null ? k : k + 1);
        var ids = new long[sample.Count * fetch];
        var distances = new float[sample.Count * fetch];
        index.Search(sample.Queries, fetch, distances, ids, options);
        var result = new long[sample.Count * k];
        Array.Fill(result, -1);
        for (var q = 0; q < sample.Count; q++)
        {
            var written = 0;
            foreach (var id in ids.AsSpan(q * fetch, fetch))
            {
                if (written == k)
                {
                    break;
                }
                if (sample.Held is { } held && id == held[q])
                {
                    continue;
                }
                result[q * k + written++] = id;
            }
        }
        return result;
    }

    /// <summary>
    /// Mean recall@k over the queries and its one-sided 95 % lower confidence bound (mean − 1.645 · standard error of the
    /// per-query recalls): queries differ in difficulty, so a value tuned to just meet the target on one sample can miss
    /// it on the next; the chooser requires the bound to meet it.
    /// </summary>
    private static RecallEstimate Recall(long[] truth, long[] found, int queries, int k)
    {
        var perQuery = new double[queries];
        for (var q = 0; q < queries; q++)
        {
            var expected = truth.AsSpan(q * k, k);
            int hits = 0, possible = 0;
            foreach (var id in expected)
            {
                if (id >= 0)
                {
                    possible++;
                }
            }
            foreach (var id in found.AsSpan(q * k, k))
            {
                if (id >= 0 && expected.Contains(id))
                {
                    hits++;
                }
            }
            perQuery[q] = possible == 0 ? 1 : hits / (double)possible;
        }
        var mean = perQuery.Average();
        if (queries < 2)
        {
            return new RecallEstimate(mean, mean);
        }
        var variance = perQuery.Sum(r => (r - mean) * (r - mean)) / (queries - 1);
        return new RecallEstimate(mean, mean - (1.645 * Math.Sqrt(variance / queries)));
    }

    /// <summary>
    /// The smallest nprobe (IVF) or efSearch (HNSW) whose recall meets <paramref name="target"/>: doubling until it is met,
    /// then bisecting between the last two values; kinds without a parameter are measured once.
    /// </summary>
    private static (VectorSearchOptions Options, RecallEstimate Recall, string Tried) Tune(FaissIndex index, TuningSet sample, long[] truth, int k, double target)
    {
        Func<int, VectorSearchOptions>? make = null;
        int low = 0, high = 0;
        string parameter = string.Empty;
        if (index.IsIvf)
        {
            make = p => new VectorSearchOptions { NProbe = p };
            low = 1;
            high = Math.Max(1, index.Spec?.NList ?? index.DefaultNProbe);
            parameter = "nprobe";
        }
        else if (index.IsHnsw)
        {
            make = e => new VectorSearchOptions { EfSearch = e };
            low = Math.Max(16, k);
            high = (int)Math.Max(low, Math.Min(MaxEfSearch, index.Count));
            parameter = "efSearch";
        }
        if (make is null)
        {
            var exact = Recall(truth, Neighbours(index, sample, k, null), sample.Count, k);
            return (new VectorSearchOptions(), exact, "no search parameter");
        }
        var measured = new Dictionary<int, RecallEstimate>();
        RecallEstimate At(int value)
        {
            if (!measured.TryGetValue(value, out var recall))
            {
                recall = Recall(truth, Neighbours(index, sample, k, make(value)), sample.Count, k);
                measured[value] = recall;
            }
            return recall;
        }
        var below = 0;
        var value = low;
        while (At(value).Lower < target && value < high)
        {
            below = value;
            value = (int)Math.Min((long)value * 2, high);
        }
        if (At(value).Lower < target)
        {
            return (make(value), At(value), Line($"{parameter} up to {value}"));
        }
        // Bisect (below, value]: the smallest value that meets the target, assuming recall grows with the parameter.
        while (value - below > 1)
        {
            var middle = below + (value - below) / 2;
            if (At(middle).Lower >= target)
            {
                value = middle;
            }
            else
            {
                below = middle;
            }
        }
        return (make(value), At(value), Line($"{parameter} {value}"));
    }

    private static TimeSpan MedianLatency(FaissIndex index, float[] queries, int dimension, int k, VectorSearchOptions options)
    {
        var count = Math.Min(queries.Length / dimension, 50);
        var threads = index.Threads;
        index.Threads = 1;
        try
        {
            var ids = new long[k];
            var distances = new float[k];
            for (var q = 0; q < Math.Min(count, 5); q++)
            {
                index.Search(queries.AsSpan(q * dimension, dimension), k, distances, ids, options);
            }
            var times = new double[count];
            for (var q = 0; q < count; q++)
            {
                var started = Stopwatch.GetTimestamp();
                index.Search(queries.AsSpan(q * dimension, dimension), k, distances, ids, options);
                times[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Array.Sort(times);
            return TimeSpan.FromMilliseconds(times[count / 2]);
        }
        finally
        {
            index.Threads = threads;
        }
    }

    /// <summary>Mean recall over the tuning queries and its one-sided 95 % lower confidence bound.</summary>
    private readonly record struct RecallEstimate(double Mean, double Lower);

    /// <summary>Tuning queries; <see cref="Held"/> holds the id of each query when they are indexed vectors held back.</summary>
    private sealed record TuningSet(float[] Queries, int Count, long[]? Held);
}
