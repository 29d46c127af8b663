using System.Globalization;

using VectorImageSearch.Faiss;

namespace VectorImageSearch;

/// <summary>
/// What vector index to build: a kind and its parameters, mapped to a FAISS factory string by <see cref="ToFactoryString"/>.
/// Create one with <see cref="Flat"/>, <see cref="IvfFlat"/>, <see cref="IvfPq"/>, <see cref="Hnsw"/>, <see cref="Sq8"/>,
/// <see cref="SqFp16"/>, <see cref="IvfSq8"/>, <see cref="Factory"/>
/// or <see cref="Auto(long)"/>, or bind it from configuration (<c>"Kind": "IvfPq", "NList": 1024, …</c>). A parameter left at 0
/// is chosen by <see cref="Resolve"/> from the collection size and the dimension.
/// </summary>
internal sealed record IndexSpec
{
    /// <summary>Collections up to this size are searched exactly (<see cref="IndexSpecKind.Flat"/>) by <see cref="Auto(long)"/>.</summary>
    public const long AutoFlatMaximum = 50_000;

    /// <summary>Collections from this size on are product-quantised with exact re-ranking by <see cref="Auto(long)"/>.</summary>
    public const long AutoPqMinimum = 2_000_000;

    /// <summary>The fewest training vectors per IVF cell FAISS accepts without warning (its k-means minimum).</summary>
    public const int MinimumPointsPerCell = 39;

    /// <summary>The kind of index.</summary>
    public IndexSpecKind Kind { get; init; } = IndexSpecKind.Auto;

    /// <summary>IVF kinds: the number of cells (inverted lists); 0 chooses from the collection size (<see cref="RecommendedNList"/>).</summary>
    public int NList { get; init; }

    /// <summary>IVF kinds: how many cells a search visits by default; 0 chooses from <see cref="NList"/> (<see cref="RecommendedNProbe"/>).</summary>
    public int NProbe { get; init; }

    /// <summary>IVF-PQ: the number of sub-quantisers (bytes per code at 8 bits); must divide the dimension; 0 chooses dimension / 4 (at most 64 when the dimension allows).</summary>
    public int PqM { get; init; }

    /// <summary>IVF-PQ: bits per sub-quantiser code (4 to 12; 8 is the usual).</summary>
    public int PqBits { get; init; } = 8;

    /// <summary>IVF-PQ: 0 for none, otherwise re-rank <c>k × RefineFactor</c> candidates with exact distances (keeps the full vectors too).</summary>
    public int RefineFactor { get; init; }

    /// <summary>HNSW: neighbours per node (M).</summary>
    public int HnswM { get; init; } = 32;

    /// <summary>HNSW: the candidate list size while building (efConstruction).</summary>
    public int EfConstruction { get; init; } = 80;

    /// <summary>HNSW: the default candidate list size while searching (efSearch).</summary>
    public int EfSearch { get; init; } = 64;

    /// <summary><see cref="IndexSpecKind.Factory"/>: the FAISS factory string, for example <c>"OPQ32,IVF4096,PQ32"</c>.</summary>
    public string? FactoryString { get; init; }

    /// <summary><see cref="IndexSpecKind.Auto"/>: the expected number of vectors, or 0 when unknown (then the number of training vectors decides).</summary>
    public long ExpectedCount { get; init; }

    /// <summary>
    /// <see cref="IndexSpecKind.Auto"/>: a memory budget and a target recall; when set, <see cref="IndexChooser"/> picks the
    /// kind by the memory each needs and tunes its search parameter on a query sample instead of the size rule.
    /// </summary>
    public IndexBudget? Budget { get; init; }

    /// <summary>Exact search: every query is compared with every vector. Best recall, cost linear in the collection.</summary>
    public static IndexSpec Flat() => new() { Kind = IndexSpecKind.Flat };

    /// <summary>IVF-Flat: vectors grouped into <paramref name="nlist"/> cells by k-means; a search scans <paramref name="nprobe"/> cells.</summary>
    /// <param name="nlist">Number of cells; 0 chooses from the collection size.</param>
    /// <param name="nprobe">Default cells visited per search; 0 chooses from <paramref name="nlist"/>.</param>
    public static IndexSpec IvfFlat(int nlist = 0, int nprobe = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nlist);
        ArgumentOutOfRangeException.ThrowIfNegative(nprobe);
        return new() { Kind = IndexSpecKind.IvfFlat, NList = nlist, NProbe = nprobe };
    }

    /// <summary>IVF-PQ: like IVF-Flat but each vector is stored as <paramref name="m"/> codes of <paramref name="nbits"/> bits.</summary>
    /// <param name="nlist">Number of cells; 0 chooses from the collection size.</param>
    /// <param name="m">Sub-quantisers (must divide the dimension); 0 chooses from the dimension.</param>
    /// <param name="nbits">Bits per code, 4 to 12.</param>
    /// <param name="refine">0 for none, else re-rank <c>k × refine</c> candidates exactly (stores the full vectors as well).</param>
    /// <param name="nprobe">Default cells visited per search; 0 chooses from <paramref name="nlist"/>.</param>
    public static IndexSpec IvfPq(int nlist = 0, int m = 0, int nbits = 8, int refine = 0, int nprobe = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nlist);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(nbits, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nbits, 12);
        ArgumentOutOfRangeException.ThrowIfNegative(refine);
        ArgumentOutOfRangeException.ThrowIfNegative(nprobe);
        return new() { Kind = IndexSpecKind.IvfPq, NList = nlist, PqM = m, PqBits = nbits, RefineFactor = refine, NProbe = nprobe };
    }

    /// <summary>HNSW graph: fast, high-recall search without training; needs the full vectors plus the graph in memory.</summary>
    /// <param name="m">Neighbours per node.</param>
    /// <param name="efConstruction">Candidate list size while building.</param>
    /// <param name="efSearch">Default candidate list size while searching.</param>
    public static IndexSpec Hnsw(int m = 32, int efConstruction = 80, int efSearch = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(efConstruction, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(efSearch, 1);
        return new() { Kind = IndexSpecKind.Hnsw, HnswM = m, EfConstruction = efConstruction, EfSearch = efSearch };
    }

    /// <summary>Scalar quantisation to 8 bits per dimension (a quarter of Flat's memory), scanned like Flat; needs training (per-dimension ranges).</summary>
    public static IndexSpec Sq8() => new() { Kind = IndexSpecKind.Sq8 };

    /// <summary>Half-precision floats (half of Flat's memory), scanned like Flat; no training.</summary>
    public static IndexSpec SqFp16() => new() { Kind = IndexSpecKind.SqFp16 };

    /// <summary>IVF over 8-bit scalar-quantised vectors: IVF-Flat's speed at a quarter of its memory.</summary>
    /// <param name="nlist">Number of cells; 0 chooses from the collection size.</param>
    /// <param name="nprobe">Default cells visited per search; 0 chooses from <paramref name="nlist"/>.</param>
    public static IndexSpec IvfSq8(int nlist = 0, int nprobe = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nlist);
        ArgumentOutOfRangeException.ThrowIfNegative(nprobe);
        return new() { Kind = IndexSpecKind.IvfSq8, NList = nlist, NProbe = nprobe };
    }

    /// <summary>Any FAISS factory string, for example <c>"IVF1024,SQ8"</c> or <c>"OPQ32,IVF4096,PQ32"</c>.</summary>
    /// <param name="factoryString">The FAISS index factory description.</param>
    public static IndexSpec Factory(string factoryString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(factoryString);
        return new() { Kind = IndexSpecKind.Factory, FactoryString = factoryString.Trim() };
    }

    /// <summary>Chooses the kind and parameters from the collection size (see <see cref="Resolve"/>).</summary>
    /// <param name="expectedCount">The expected number of vectors; 0 when unknown (the training set's size then decides).</param>
    public static IndexSpec Auto(long expectedCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        return new() { Kind = IndexSpecKind.Auto, ExpectedCount = expectedCount };
    }

    /// <summary>
    /// Chooses the kind under a memory budget and a target recall (see <see cref="IndexChooser"/>): the kind is picked by the
    /// memory each needs at <paramref name="expectedCount"/> vectors, then its nprobe / efSearch is tuned on a sample of
    /// queries until the recall is met. Without vectors to tune on (<see cref="Resolve"/> alone) the first kind that fits
    /// the memory is taken.
    /// </summary>
    /// <param name="expectedCount">The expected number of vectors; 0 when unknown (the vectors built on then decide).</param>
    /// <param name="budget">The memory, recall and latency the index must meet.</param>
    public static IndexSpec Auto(long expectedCount, IndexBudget budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        ArgumentNullException.ThrowIfNull(budget);
        budget.Validate();
        return new() { Kind = IndexSpecKind.Auto, ExpectedCount = expectedCount, Budget = budget };
    }

    /// <summary>
    /// The bytes this spec's index takes for <paramref name="count"/> vectors of <paramref name="dimension"/> floats, as
    /// saved (vectors or codes, 8-byte ids, IVF centroids and codebooks, the HNSW graph), estimated from the layout FAISS
    /// 1.7.3 writes; within a few per cent of the measured file sizes in docs/indexes.md. A factory string is estimated as
    /// full vectors.
    /// </summary>
    /// <param name="count">The number of vectors.</param>
    /// <param name="dimension">The vector length.</param>
    public long EstimatedBytes(long count, int dimension)
    {
        var spec = Resolve(count, dimension);
        const long Header = 4096;
        const long Id = 8;
        long d = dimension;
        long quantiser = spec.NList * (4 * d + 16);
        return Header + spec.Kind switch
        {
            IndexSpecKind.Flat => count * (4 * d + Id),
            IndexSpecKind.SqFp16 => count * (2 * d + Id) + 8 * d,
            IndexSpecKind.Sq8 => count * (d + Id) + 8 * d,
            IndexSpecKind.IvfFlat => count * (4 * d + Id) + quantiser,
            IndexSpecKind.IvfSq8 => count * (d + Id) + quantiser + 8 * d,
            IndexSpecKind.IvfPq => count * ((spec.PqM * spec.PqBits + 7) / 8 + Id) + quantiser + (1L << spec.PqBits) * 4 * d
                + (spec.RefineFactor > 0 ? count * (4 * d + Id) : 0),
            // Level 0 holds 2·M links per vector; the upper levels about M/(M-1) more; levels and offsets 12 bytes.
            IndexSpecKind.Hnsw => count * (4 * d + Id + 8L * spec.HnswM + 4 + 12),
            _ => count * (4 * d + Id),
        };
    }

    /// <summary>
    /// The number of IVF cells for <paramref name="count"/> vectors: round(√N), at least 1 and at most N / 39 so that every
    /// cell gets the 39 training points k-means needs (the seeds' rule). 4·√N rounded down to a power of two (FAISS's
    /// guidance) was measured too (docs/indexes.md): at 100k and 1M × 512 it gave the same recall for the same query time
    /// and trained 3 to 10 times slower, so the automatic choice improves on the seeds elsewhere: Flat for small
    /// collections, a probe count that scales with the cell count, training on a sample, and PQ with re-ranking at scale.
    /// </summary>
    /// <param name="count">The number of vectors the index will hold (or be trained on, when larger).</param>
    public static int RecommendedNList(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var nlist = (long)Math.Round(Math.Sqrt(count));
        var cap = Math.Max(1, count / MinimumPointsPerCell);
        return (int)Math.Clamp(nlist, 1, cap);
    }

    /// <summary>
    /// The default number of cells a search visits: nlist / 32, at least 8 and at most nlist (FAISS's own default is 1).
    /// Measured on clustered data (docs/indexes.md) this keeps recall@10 at 0.99 or better for IVF-Flat at the cell counts of
    /// <see cref="RecommendedNList"/>, also on the harder set.
    /// </summary>
    /// <param name="nlist">The number of IVF cells.</param>
    public static int RecommendedNProbe(int nlist)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nlist, 1);
        return Math.Min(nlist, Math.Max(8, nlist / 32));
    }

    /// <summary>
    /// How many vectors to train on for <paramref name="count"/> vectors: all of them up to the point where more stop
    /// helping. IVF k-means uses at most 256 points per cell; PQ codebooks want 256 × 39 ≈ 10,000 points at least and gain
    /// little beyond 65,536. Flat and HNSW need no training (0).
    /// </summary>
    /// <param name="count">The number of vectors available.</param>
    /// <param name="dimension">The vector length.</param>
    public long RecommendedTrainingCount(long count, int dimension)
    {
        var spec = Resolve(count, dimension);
        return spec.Kind switch
        {
            IndexSpecKind.IvfFlat or IndexSpecKind.IvfSq8 => Math.Min(count, Math.Max(64L * spec.NList, 10_000)),
            IndexSpecKind.Sq8 => Math.Min(count, 100_000),
            IndexSpecKind.IvfPq => Math.Min(count, Math.Max(64L * spec.NList, 65_536)),
            IndexSpecKind.Factory => Math.Min(count, 100_000),
            _ => 0,
        };
    }

    /// <summary>
    /// Fills every automatic choice for a collection of <paramref name="count"/> vectors of <paramref name="dimension"/>
    /// floats (IVF cell and probe counts, PQ sub-quantisers). <see cref="Auto(long)"/> chooses Flat up to <see cref="AutoFlatMaximum"/> vectors (exact search is still fast
    /// there and needs no training), IVF-Flat below <see cref="AutoPqMinimum"/>, and IVF-PQ with ×4 exact re-ranking above
    /// (the codes keep the inverted lists small enough to scan). For Auto, <see cref="ExpectedCount"/> wins over
    /// <paramref name="count"/> when it is set.
    /// </summary>
    /// <param name="count">The number of vectors the index will hold (or is trained on).</param>
    /// <param name="dimension">The vector length.</param>
    public IndexSpec Resolve(long count, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        switch (Kind)
        {
            case IndexSpecKind.Auto when Budget is { } budget:
                var expected = Math.Max(ExpectedCount, count);
                foreach (var candidate in IndexChooser.Candidates(expected))
                {
                    if (budget.MemoryBytes == 0 || candidate.EstimatedBytes(expected, dimension) <= budget.MemoryBytes)
                    {
                        return candidate.Resolve(expected, dimension);
                    }
                }
                return IndexChooser.Candidates(expected)[^1].Resolve(expected, dimension);
            case IndexSpecKind.Auto:
                var n = ExpectedCount > 0 ? ExpectedCount : count;
                var chosen = n <= AutoFlatMaximum ? Flat()
                    : n < AutoPqMinimum ? IvfFlat()
                    : IvfPq(refine: 4);
                return chosen.Resolve(n, dimension);
            case IndexSpecKind.IvfFlat:
            case IndexSpecKind.IvfPq:
            case IndexSpecKind.IvfSq8:
                var nlist = NList > 0 ? NList : RecommendedNList(count);
                var m = Kind == IndexSpecKind.IvfPq ? (PqM > 0 ? PqM : RecommendedPqM(dimension)) : 0;
                if (Kind == IndexSpecKind.IvfPq && dimension % m != 0)
                {
                    throw new ArgumentException($"IVF-PQ needs the sub-quantiser count ({m}) to divide the dimension ({dimension}).", nameof(dimension));
                }
                return this with
                {
                    NList = nlist,
                    NProbe = NProbe > 0 ? Math.Min(NProbe, nlist) : RecommendedNProbe(nlist),
                    PqM = m,
                };
            case IndexSpecKind.Factory when string.IsNullOrWhiteSpace(FactoryString):
                throw new InvalidOperationException("A Factory index spec needs a FactoryString.");
            default:
                return this;
        }
    }

    /// <summary>
    /// The FAISS factory string for vectors of <paramref name="dimension"/> floats, with automatic choices resolved for
    /// <paramref name="count"/> vectors: <c>Flat</c>, <c>IVF{nlist},Flat</c>, <c>IVF{nlist},PQ{m}x{nbits}</c> (plus
    /// <c>,RFlat</c> with refine), <c>HNSW{m}</c>, or the factory string as given.
    /// </summary>
    /// <param name="dimension">The vector length.</param>
    /// <param name="count">The number of vectors, for automatic choices.</param>
    public string ToFactoryString(int dimension, long count = 0)
    {
        var spec = Resolve(count, dimension);
        return spec.Kind switch
        {
            IndexSpecKind.Flat => "Flat",
            IndexSpecKind.IvfFlat => string.Create(CultureInfo.InvariantCulture, $"IVF{spec.NList},Flat"),
            IndexSpecKind.IvfPq => string.Create(CultureInfo.InvariantCulture, $"IVF{spec.NList},PQ{spec.PqM}x{spec.PqBits}np")
                + (spec.RefineFactor > 0 ? ",RFlat" : string.Empty),
            IndexSpecKind.Hnsw => string.Create(CultureInfo.InvariantCulture, $"HNSW{spec.HnswM}"),
            IndexSpecKind.Sq8 => "SQ8",
            IndexSpecKind.SqFp16 => "SQfp16",
            IndexSpecKind.IvfSq8 => string.Create(CultureInfo.InvariantCulture, $"IVF{spec.NList},SQ8"),
            IndexSpecKind.Factory => spec.FactoryString!,
            _ => throw new InvalidOperationException($"Unexpected index kind {spec.Kind}."),
        };
    }

    /// <summary>The default number of PQ sub-quantisers: dimension / 4 (at most 64) that divides the dimension, or the largest divisor below it.</summary>
    /// <param name="dimension">The vector length.</param>
    public static int RecommendedPqM(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var m = Math.Clamp(dimension / 4, 1, 64);
        while (dimension % m != 0)
        {
            m--;
        }
        return m;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        IndexSpecKind.Auto when Budget is { } budget => string.Create(CultureInfo.InvariantCulture,
            $"Auto({ExpectedCount}, MemoryBytes={budget.MemoryBytes}, TargetRecall={budget.TargetRecall}, RecallK={budget.RecallK}, MaxQueryLatency={budget.MaxQueryLatency})"),
        IndexSpecKind.Auto => ExpectedCount > 0 ? $"Auto({ExpectedCount.ToString(CultureInfo.InvariantCulture)})" : "Auto",
        IndexSpecKind.Factory => FactoryString ?? "Factory",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{Kind}(NList={NList}, NProbe={NProbe}, PqM={PqM}, PqBits={PqBits}, Refine={RefineFactor}, HnswM={HnswM}, EfConstruction={EfConstruction}, EfSearch={EfSearch})"),
    };
}
