namespace VectorImageSearch.Faiss.Tests.Specs;

public sealed class IndexSpecTests
{
    [Fact]
    public void Typed_specs_map_to_factory_strings()
    {
        Assert.Equal("Flat", IndexSpec.Flat().ToFactoryString(512));
        Assert.Equal("IVF1024,Flat", IndexSpec.IvfFlat(1024).ToFactoryString(512));
        Assert.Equal("IVF256,PQ32x8np", IndexSpec.IvfPq(256, 32).ToFactoryString(512));
        Assert.Equal("IVF256,PQ16x4np,RFlat", IndexSpec.IvfPq(256, 16, nbits: 4, refine: 2).ToFactoryString(64));
        Assert.Equal("HNSW48", IndexSpec.Hnsw(48).ToFactoryString(512));
        Assert.Equal("OPQ16,IVF64,PQ16", IndexSpec.Factory(" OPQ16,IVF64,PQ16 ").ToFactoryString(512));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(50, 1)]
    [InlineData(1_000, 25)]
    [InlineData(10_000, 100)]
    [InlineData(50_000, 224)]
    [InlineData(100_000, 316)]
    [InlineData(1_000_000, 1000)]
    [InlineData(10_000_000, 3162)]
    public void Recommended_nlist_is_root_n_with_at_least_39_points_per_cell(long count, int expected)
    {
        var nlist = IndexSpec.RecommendedNList(count);
        Assert.Equal(expected, nlist);
        Assert.True(nlist == 1 || count / nlist >= IndexSpec.MinimumPointsPerCell);
    }

    [Theory]
    [InlineData(16, 8)]
    [InlineData(512, 16)]
    [InlineData(2048, 64)]
    [InlineData(4, 4)]
    public void Recommended_nprobe_scales_with_nlist(int nlist, int expected) =>
        Assert.Equal(expected, IndexSpec.RecommendedNProbe(nlist));

    [Theory]
    [InlineData(10_000, "Flat")]
    [InlineData(50_000, "Flat")]
    [InlineData(100_000, "IVF316,Flat")]
    [InlineData(1_000_000, "IVF1000,Flat")]
    [InlineData(5_000_000, "IVF2236,PQ64x8np,RFlat")]
    public void Auto_chooses_by_collection_size(long count, string expected)
    {
        Assert.Equal(expected, IndexSpec.Auto(count).ToFactoryString(512));
        Assert.Equal(expected, IndexSpec.Auto().ToFactoryString(512, count));
    }

    [Fact]
    public void Pq_sub_quantisers_divide_the_dimension()
    {
        Assert.Equal(64, IndexSpec.RecommendedPqM(512));
        Assert.Equal(32, IndexSpec.RecommendedPqM(128));
        Assert.Equal(24, IndexSpec.RecommendedPqM(96));
        Assert.Equal(25, IndexSpec.RecommendedPqM(100));
        Assert.Throws<ArgumentException>(() => IndexSpec.IvfPq(64, m: 7).Resolve(1000, 64));
    }

    [Fact]
    public void Bad_parameters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.IvfFlat(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.IvfPq(nbits: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexSpec.Hnsw(m: 1));
        Assert.Throws<ArgumentException>(() => IndexSpec.Factory(" "));
        Assert.Throws<InvalidOperationException>(() => new IndexSpec { Kind = IndexSpecKind.Factory }.ToFactoryString(8));
    }

    [Fact]
    public void Training_sizes_follow_the_kind()
    {
        Assert.Equal(0, IndexSpec.Flat().RecommendedTrainingCount(1_000_000, 512));
        Assert.Equal(0, IndexSpec.Hnsw().RecommendedTrainingCount(1_000_000, 512));
        Assert.Equal(64L * 1000, IndexSpec.IvfFlat().RecommendedTrainingCount(1_000_000, 512));
        Assert.Equal(50_000, IndexSpec.IvfPq().RecommendedTrainingCount(50_000, 128));
    }
}
