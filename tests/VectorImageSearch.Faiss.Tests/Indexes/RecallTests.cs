using Xunit.Abstractions;

namespace VectorImageSearch.Faiss.Tests.Indexes;

/// <summary>Recall@10 against exact search at the parameters docs/indexes.md recommends (the IndexSpec defaults).</summary>
public sealed class RecallTests(RecallFixture fixture, ITestOutputHelper output) : IClassFixture<RecallFixture>
{
    [Fact]
    public void Ivf_flat_reaches_095_at_the_recommended_nprobe()
    {
        using var index = fixture.Build(IndexSpec.IvfFlat());
        Assert.Equal("IVF224,Flat", index.Description);
        Assert.Equal(8, index.DefaultNProbe);
        var recall = fixture.Recall(index);
        output.WriteLine($"IVF-Flat {index.Description} nprobe={index.DefaultNProbe}: recall@10 {recall:F4}");
        Assert.True(recall >= 0.95, $"IVF-Flat recall@10 {recall:F4}");
        // Fewer probes must cost recall: the parameter really reaches FAISS.
        Assert.True(fixture.Recall(index, new VectorSearchOptions { NProbe = 1 }) < recall);
    }

    [Fact]
    public void Hnsw_reaches_095_at_the_recommended_ef_search()
    {
        using var index = fixture.Build(IndexSpec.Hnsw());
        Assert.Equal("IDMap2,HNSW32", index.Description);
        var recall = fixture.Recall(index);
        output.WriteLine($"HNSW {index.Description} efSearch={index.DefaultEfSearch}: recall@10 {recall:F4}");
        Assert.True(recall >= 0.95, $"HNSW recall@10 {recall:F4}");
        Assert.True(fixture.Recall(index, new VectorSearchOptions { EfSearch = 10 }) < recall);
    }

    [Fact]
    public void Ivf_pq_reaches_070_and_095_with_refine()
    {
        using var plain = fixture.Build(IndexSpec.IvfPq());
        Assert.Equal("IVF224,PQ32x8", plain.Description);
        var recall = fixture.Recall(plain);
        output.WriteLine($"IVF-PQ {plain.Description} nprobe={plain.DefaultNProbe}: recall@10 {recall:F4}");
        Assert.True(recall >= 0.70, $"IVF-PQ recall@10 {recall:F4}");

        using var refined = fixture.Build(IndexSpec.IvfPq(refine: 4));
        Assert.Equal("IDMap2,IVF224,PQ32x8,RFlat", refined.Description);
        Assert.Equal(4f, refined.DefaultRefineFactor);
        var refinedRecall = fixture.Recall(refined);
        output.WriteLine($"IVF-PQ + refine {refined.Description} nprobe={refined.DefaultNProbe} k_factor={refined.DefaultRefineFactor}: recall@10 {refinedRecall:F4}");
        Assert.True(refinedRecall >= 0.95, $"IVF-PQ + refine recall@10 {refinedRecall:F4}");
        Assert.True(refinedRecall > recall);
    }

    [Fact]
    public void Scalar_quantised_kinds_keep_recall_in_a_quarter_or_half_of_the_memory()
    {
        using var sq8 = fixture.Build(IndexSpec.Sq8());
        Assert.Equal("IDMap2,SQ8", sq8.Description);
        var sq8Recall = fixture.Recall(sq8);
        using var fp16 = fixture.Build(IndexSpec.SqFp16());
        Assert.Equal("IDMap2,SQfp16", fp16.Description);
        var fp16Recall = fixture.Recall(fp16);
        using var ivfSq8 = fixture.Build(IndexSpec.IvfSq8());
        Assert.Equal("IVF224,SQ8", ivfSq8.Description);
        var ivfRecall = fixture.Recall(ivfSq8);
        output.WriteLine($"SQ8 {sq8Recall:F4}, SQfp16 {fp16Recall:F4}, IVF-SQ8 nprobe={ivfSq8.DefaultNProbe} {ivfRecall:F4}; bytes {sq8.ToBytes().Length}, {fp16.ToBytes().Length}, {ivfSq8.ToBytes().Length}");
        Assert.True(sq8Recall >= 0.90, $"SQ8 recall@10 {sq8Recall:F4}");
        Assert.True(fp16Recall >= 0.99, $"SQfp16 recall@10 {fp16Recall:F4}");
        Assert.True(ivfRecall >= 0.90, $"IVF-SQ8 recall@10 {ivfRecall:F4}");
        Assert.True(fixture.Recall(ivfSq8, new VectorSearchOptions { NProbe = 1 }) < ivfRecall);
        // The codes really are 1 and 2 bytes per dimension: the files are about a quarter and a half of Flat's vectors.
        var flatBytes = (long)RecallFixture.Count * RecallFixture.Dimension * sizeof(float);
        Assert.InRange(sq8.ToBytes().Length, flatBytes / 4, (flatBytes / 4) + (RecallFixture.Count * 8) + 4096);
        Assert.InRange(fp16.ToBytes().Length, flatBytes / 2, (flatBytes / 2) + (RecallFixture.Count * 8) + 4096);
    }
}
