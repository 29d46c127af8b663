using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

/// <summary>
/// <see cref="IndexChooser"/>: the memory budget is respected by the measured bytes, the target recall is met on queries
/// that were not used for tuning, the tuned parameter reaches FAISS, and an impossible budget says which numbers failed.
/// </summary>
public sealed class IndexChooserTests(ITestOutputHelper output)
{
    private const int Dimension = 64;
    private const int Count = 20_000;

    // 20,000 × 64 clustered vectors; text-like queries (offset by a common "modality gap", mixing concepts): 200 tune, 200 check.
    private static readonly Lazy<(float[] Base, float[] Tuning, float[] HeldOut)> Data = new(() =>
    {
        var (data, _, text) = ClusteredVectors.GenerateWithTextLikeQueries(Count, 1, 400, Dimension, seed: 5);
        return (data, text.AsSpan(0, 200 * Dimension).ToArray(), text.AsSpan(200 * Dimension).ToArray());
    });

    private static double Recall(FaissIndex index, float[] data, float[] queries, int k)
    {
        using var exact = FaissIndex.Create(Dimension, IndexSpec.Flat());
        exact.Add(data);
        var count = queries.Length / Dimension;
        var truth = new long[count * k];
        var found = new long[count * k];
        exact.Search(queries, k, new float[count * k], truth);
        index.Search(queries, k, new float[count * k], found);
        var hits = 0;
        for (var q = 0; q < count; q++)
        {
            var expected = truth.AsSpan(q * k, k);
            foreach (var id in found.AsSpan(q * k, k))
            {
                if (expected.Contains(id))
                {
                    hits++;
                }
            }
        }
        return hits / (double)(count * k);
    }

    private static FaissIndex Build(IndexBudget budget, float[] data, float[] queries, out IndexChoice choice)
    {
        var ids = Enumerable.Range(0, data.Length / Dimension).Select(i => (long)i).ToArray();
        return IndexChooser.ChooseAndBuild(IndexSpec.Auto(0, budget), data, ids, queries, Dimension, VectorMetric.InnerProduct, NullLogger.Instance, out choice);
    }

    [Fact]
    public void A_memory_budget_below_full_vectors_gets_a_compressed_kind_whose_bytes_fit_and_whose_recall_holds_on_new_queries()
    {
        var (data, tuning, heldOut) = Data.Value;
        var budget = new IndexBudget { MemoryBytes = 2_000_000, TargetRecall = 0.9 };

        using var index = Build(budget, data, tuning, out var choice);
        output.WriteLine(choice.ToString());

        // Full vectors take 20,000 × (256 + 8) bytes = 5.3 MB: every full-vector kind is passed over for its memory.
        Assert.Equal(IndexSpecKind.IvfSq8, choice.Spec.Kind);
        Assert.All(choice.Rejected, line => Assert.Contains("over the budget of 2,000,000", line));
        Assert.Equal(4, choice.Rejected.Count);
        var bytes = index.ToBytes().LongLength;
        Assert.Equal(bytes, choice.MeasuredBytes);
        Assert.True(bytes <= budget.MemoryBytes, $"{bytes} bytes > {budget.MemoryBytes}");
        // The target is required of the 95 % lower confidence bound over the tuning queries, so the mean sits above it.
        Assert.True(choice.RecallLowerBound >= 0.9 && choice.RecallLowerBound < choice.Recall, $"tuning recall {choice.Recall}, bound {choice.RecallLowerBound}");
        Assert.Equal("queries", choice.QuerySource);
        Assert.Equal(200, choice.QueryCount);
        // The tuned nprobe is the index's default now, and it holds on 200 queries the tuning never saw.
        Assert.Equal(choice.Spec.NProbe, index.DefaultNProbe);
        var heldOutRecall = Recall(index, data, heldOut, 10);
        Assert.True(heldOutRecall >= 0.88, $"held-out recall {heldOutRecall}");
    }

    [Fact]
    public void A_higher_target_recall_tunes_more_probes_and_each_target_is_met_on_new_queries()
    {
        // 60,000 vectors: past the Flat limit, so without a memory limit IVF-Flat is chosen and only nprobe changes.
        var (data, _, text) = ClusteredVectors.GenerateWithTextLikeQueries(60_000, 1, 400, 32, seed: 9);
        var tuning = text.AsSpan(0, 200 * 32).ToArray();
        var heldOut = text.AsSpan(200 * 32).ToArray();
        var ids = Enumerable.Range(0, 60_000).Select(i => (long)i).ToArray();
        using var exact = FaissIndex.Create(32, IndexSpec.Flat());
        exact.Add(data);
        var truth = new long[200 * 10];
        exact.Search(heldOut, 10, new float[200 * 10], truth);

        var probes = new List<int>();
        foreach (var target in new[] { 0.7, 0.99 })
        {
            using var index = IndexChooser.ChooseAndBuild(IndexSpec.Auto(0, new IndexBudget { TargetRecall = target }), data, ids, tuning, 32,
                VectorMetric.InnerProduct, NullLogger.Instance, out var choice);
            Assert.Equal(IndexSpecKind.IvfFlat, choice.Spec.Kind);
            Assert.True(choice.RecallLowerBound >= target, $"tuning recall bound {choice.RecallLowerBound} < {target}");
            Assert.Equal(choice.Spec.NProbe, index.DefaultNProbe);
            var found = new long[200 * 10];
            index.Search(heldOut, 10, new float[200 * 10], found); // default parameters: the tuned nprobe
            var hits = Enumerable.Range(0, 200).Sum(q => found.AsSpan(q * 10, 10).ToArray().Count(id => truth.AsSpan(q * 10, 10).Contains(id)));
            Assert.True(hits / 2000.0 >= target - 0.01, $"held-out recall {hits / 2000.0} for target {target}");
            probes.Add(choice.Spec.NProbe);
        }
        Assert.True(probes[1] > probes[0], $"nprobe {probes[0]} for 0.7, {probes[1]} for 0.99");
    }

    [Fact]
    public void No_kind_meeting_the_budget_throws_naming_the_budget_the_target_and_each_kind()
    {
        var (data, tuning, _) = Data.Value;
        // 1 MB holds only IVF-PQ's 16-byte codes, whose recall on these queries stays far below 0.99.
        var budget = new IndexBudget { MemoryBytes = 1_000_000, TargetRecall = 0.99 };

        var e = Assert.Throws<InvalidOperationException>(() => Build(budget, data, tuning, out _));
        output.WriteLine(e.Message);

        Assert.Contains("20,000 vectors of dimension 64", e.Message);
        Assert.Contains("memory 1,000,000 bytes", e.Message);
        Assert.Contains("recall@10 >= 0.9900", e.Message);
        Assert.Contains("IVF141,SQ8: needs ~", e.Message);
        Assert.Matches(@"IVF141,PQ16x8np: recall@10 0\.\d{4} at best \(nprobe up to 141; 95 % lower bound 0\.\d{4}\), below the target 0\.9900", e.Message);
    }

    [Fact]
    public void A_latency_limit_no_query_can_meet_is_reported_with_the_measured_time()
    {
        var (data, tuning, _) = Data.Value;
        var budget = new IndexBudget { MemoryBytes = 2_000_000, TargetRecall = 0.5, MaxQueryLatency = TimeSpan.FromTicks(1) };

        var e = Assert.Throws<InvalidOperationException>(() => Build(budget, data, tuning, out _));

        Assert.Contains("median query <= 0.000 ms", e.Message);
        Assert.Matches(@"IVF141,SQ8: recall@10 \d\.\d{4} \(nprobe \d+\) but a median query of \d+\.\d{3} ms, over the limit", e.Message);
    }

    [Fact]
    public void The_same_vectors_and_queries_give_the_same_choice()
    {
        var (data, tuning, _) = Data.Value;
        var spec = IndexSpec.Auto(0, new IndexBudget { MemoryBytes = 2_000_000, TargetRecall = 0.9 });

        var first = IndexChooser.Choose(spec, data, tuning, Dimension);
        var second = IndexChooser.Choose(spec, data, tuning, Dimension);

        Assert.Equal(first.Spec, second.Spec);
        Assert.Equal(first.Recall, second.Recall);
        Assert.Equal(first.MeasuredBytes, second.MeasuredBytes);
        Assert.Equal(first.FactoryString, second.FactoryString);
    }

    [Fact]
    public void Without_queries_indexed_vectors_are_held_back_and_each_is_left_out_of_its_own_results()
    {
        var (data, _, _) = Data.Value;
        // Unlimited memory, 20,000 vectors: exact Flat is the first kind tried and needs no tuning.
        var choice = IndexChooser.Choose(IndexSpec.Auto(0, new IndexBudget { TargetRecall = 0.95 }), data, ReadOnlySpan<float>.Empty, Dimension);

        Assert.Equal(IndexSpecKind.Flat, choice.Spec.Kind);
        Assert.Equal("held-back vectors", choice.QuerySource);
        Assert.Equal(200, choice.QueryCount);
        Assert.Equal(1.0, choice.Recall);
        Assert.Empty(choice.Rejected);
    }

    [Fact]
    public void An_expected_count_far_above_the_vectors_at_hand_is_checked_for_memory_but_built_with_cells_they_can_train()
    {
        var (data, tuning, _) = Data.Value;
        var few = data.AsSpan(0, 2_000 * Dimension).ToArray();
        // 10M expected: √N = 3,162 cells, more than the 2,000 vectors; the build caps the cells at 2,000 / 39.
        var choice = IndexChooser.Choose(IndexSpec.Auto(10_000_000, new IndexBudget { TargetRecall = 0.5 }), few, tuning, Dimension);

        Assert.Equal(IndexSpecKind.IvfFlat, choice.Spec.Kind);
        Assert.Equal(2_000 / IndexSpec.MinimumPointsPerCell, choice.Spec.NList);
        Assert.Equal(10_000_000, choice.ExpectedCount);
        Assert.True(choice.ProjectedBytes > 10_000_000L * 4 * Dimension, $"projected {choice.ProjectedBytes}");
    }

    [Fact]
    public void The_memory_estimate_is_close_to_the_measured_size_for_every_kind()
    {
        var (data, _, _) = Data.Value;
        foreach (var spec in new[] { IndexSpec.Flat(), IndexSpec.IvfFlat(), IndexSpec.Hnsw(), IndexSpec.IvfPq(refine: 4), IndexSpec.IvfSq8(), IndexSpec.SqFp16(), IndexSpec.IvfPq(), IndexSpec.Sq8() })
        {
            var resolved = spec.Resolve(Count, Dimension);
            using var index = FaissIndex.Create(Dimension, resolved, VectorMetric.InnerProduct, Count);
            if (!index.IsTrained)
            {
                index.Train(data, 10_000, seed: 1);
            }
            index.Add(data);
            var measured = index.ToBytes().LongLength;
            var estimate = resolved.EstimatedBytes(Count, Dimension);
            // Never below what FAISS writes (the budget check relies on it), and at most 5 % above.
            Assert.True(estimate >= measured && estimate <= measured * 1.05, $"{resolved.Kind}: estimated {estimate}, measured {measured}");
        }
    }

    [Fact]
    public void Bad_budgets_are_refused_by_name()
    {
        Assert.Contains("MemoryBytes", Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.Auto(0, new IndexBudget { MemoryBytes = -1 })).Message);
        Assert.Contains("TargetRecall", Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.Auto(0, new IndexBudget { TargetRecall = 1.5 })).Message);
        Assert.Contains("TargetRecall", Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.Auto(0, new IndexBudget { TargetRecall = double.NaN })).Message);
        Assert.Contains("RecallK", Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.Auto(0, new IndexBudget { RecallK = 0 })).Message);
        Assert.Throws<ArgumentException>(() => IndexChooser.Choose(IndexSpec.Flat(), new float[64], ReadOnlySpan<float>.Empty, Dimension));
        Assert.Throws<ArgumentException>(() => IndexChooser.Choose(IndexSpec.Auto(0, new IndexBudget()), new float[64 * 3], new float[10], Dimension));
    }
}
