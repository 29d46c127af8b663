using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Faiss.DependencyInjection;
using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Indexes;

public sealed class AutoAndFactoryTests
{
    [Fact]
    public void Auto_without_a_count_is_chosen_at_training()
    {
        using var index = FaissIndex.Create(16, IndexSpec.Auto(), VectorMetric.InnerProduct);
        Assert.False(index.IsTrained);
        Assert.Equal(0, index.Count);
        Assert.Contains("chosen at Train", index.Description);
        Assert.Throws<InvalidOperationException>(() => index.Add(new float[16]));
        Assert.Throws<InvalidOperationException>(() => index.Search(new float[16], 1, new float[1], new long[1]));
        Assert.Empty(index.Search(new float[16], 1));

        var (data, _) = ClusteredVectors.GenerateWithQueries(60_000, 1, 16, seed: 41);
        index.Train(data, maxTrainingVectors: 20_000);
        Assert.Equal(IndexSpecKind.IvfFlat, index.Spec!.Kind);
        Assert.Equal("IVF245,Flat", index.Description);
        Assert.True(index.IsTrained);
        index.Add(data.AsSpan(0, 100 * 16));
        Assert.Equal(100, index.Count);
    }

    [Fact]
    public void Auto_with_a_count_is_created_at_once()
    {
        using var index = FaissIndex.Create(16, IndexSpec.Auto(1000), VectorMetric.L2);
        Assert.Equal("IDMap2,Flat", index.Description);
        Assert.True(index.IsTrained);
    }

    [Fact]
    public void Any_factory_string_works()
    {
        var data = TestVectors.Uniform(2000, 16, seed: 42);
        using var index = FaissIndex.Create(16, "IVF8,SQ8", VectorMetric.L2);
        index.Train(data);
        index.Add(data);
        Assert.Equal("IVF8,SQ8", index.Description);
        Assert.Equal(7, index.Search(data.AsSpan(7 * 16, 16), 1, new VectorSearchOptions { NProbe = 8 })[0].Id);
    }

    [Fact]
    public void The_DI_extension_registers_a_factory_with_options()
    {
        var services = new ServiceCollection();
        services.AddFaissIndexes(o => o.Threads = 1);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IVectorIndexFactory>();
        Assert.IsType<FaissIndexFactory>(factory);
        using var index = factory.Create(8, IndexSpec.Flat(), VectorMetric.L2);
        Assert.Equal(1, ((FaissIndex)index).Threads);
        Assert.Equal(8, index.Dimension);
    }

    [Fact]
    public void Gpu_cloning_works_or_explains_that_this_build_has_no_gpu()
    {
        var data = TestVectors.Uniform(500, 16, seed: 43);
        using var index = FaissIndex.Create(16, IndexSpec.Flat(), VectorMetric.L2);
        index.Add(data);
        if (!FaissIndex.IsGpuSupported || FaissIndex.GpuDeviceCount == 0)
        {
            Assert.Equal(0, FaissIndex.GpuDeviceCount);
            var error = Assert.Throws<NotSupportedException>(() => index.ToGpu(0));
            Assert.Contains("no GPU support", error.Message);
            Assert.Contains("VECTORIMAGESEARCH_FAISS_GPU=ON", error.Message);
            using var copy = index.ToCpu();
            Assert.False(copy.IsOnGpu);
            Assert.Equal(index.Search(data.AsSpan(0, 16), 5), copy.Search(data.AsSpan(0, 16), 5));
            return;
        }
        using var gpu = index.ToGpu(0);
        Assert.True(gpu.IsOnGpu);
        Assert.Equal(index.Search(data.AsSpan(0, 16), 5).Select(m => m.Id), gpu.Search(data.AsSpan(0, 16), 5).Select(m => m.Id));
        using var back = gpu.ToCpu();
        Assert.False(back.IsOnGpu);
        Assert.Equal(500, back.Count);
    }
}
