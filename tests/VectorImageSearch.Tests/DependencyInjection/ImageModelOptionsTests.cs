using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Onnx;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.DependencyInjection;

/// <summary>The image model's preset and pooling, and the index key, as code and configuration set them.</summary>
public sealed class ImageModelOptionsTests
{
    [Fact]
    public void The_pooling_set_in_code_reaches_the_image_encoder()
    {
        // The tiny ResNet's output is not a token sequence: asking for the token mean must reach the encoder and fail there.
        using var automatic = Provider(o => o.UseImageEncoder(RepoPaths.ResNetTinyShapes));
        var encoder = Assert.IsType<OnnxImageEncoder>(automatic.GetRequiredService<IImageEncoder>());
        Assert.Equal(ImageEncoderPreset.ResNet50, encoder.Preset);

        using var meanTokens = Provider(o => o.UseImageEncoder(RepoPaths.ResNetTinyShapes, ImageEncoderPreset.ResNet50, EmbeddingPooling.MeanTokens));
        var error = Assert.Throws<ModelLoadException>(() => meanTokens.GetRequiredService<IImageEncoder>());
        Assert.Contains("MeanTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pooling_and_preset_bind_from_configuration_by_name()
    {
        using var provider = Bound(new()
        {
            ["ImageSearch:ImageModelPath"] = RepoPaths.ResNetTinyShapes,
            ["ImageSearch:ImageModelPreset"] = "ResNet50",
            ["ImageSearch:ImageModelPooling"] = "MeanTokens",
        });
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImageSearchOptions>>().Value;
        Assert.Equal(ImageEncoderPreset.ResNet50, options.ImageModelPreset);
        Assert.Equal(EmbeddingPooling.MeanTokens, options.ImageModelPooling);
        var error = Assert.Throws<ModelLoadException>(() => provider.GetRequiredService<IImageEncoder>());
        Assert.Contains("MeanTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_index_binds_from_the_Index_key()
    {
        using var provider = Bound(new() { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes, ["ImageSearch:Index"] = "HNSW16" });
        Assert.Equal("HNSW16", provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImageSearchOptions>>().Value.Index);
    }

    [Fact]
    public void The_old_IndexSpec_key_is_refused_naming_the_new_one()
    {
        using var provider = Bound(new() { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes, ["ImageSearch:IndexSpec"] = "HNSW16" });
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageSearch>());
        Assert.Contains("'ImageSearch:IndexSpec'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ImageSearch:Index'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pixel_limit_binds_from_configuration_and_reaches_the_image_encoder()
    {
        var image = ImageInput.FromFile(Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images"), "*.png")[0]);
        using var limited = Bound(new() { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes, ["ImageSearch:MaxImagePixels"] = "100" });
        var error = await Assert.ThrowsAsync<ImageDecodeException>(() => limited.GetRequiredService<IImageEncoder>().EncodeAsync(image));
        Assert.Contains("too large", error.Problem, StringComparison.Ordinal);

        using var unlimited = Bound(new() { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes });
        Assert.NotEmpty(await unlimited.GetRequiredService<IImageEncoder>().EncodeAsync(image));
    }

    [Fact]
    public async Task The_index_threads_bind_from_configuration_and_reach_the_faiss_search()
    {
        using var provider = Bound(new() { ["ImageSearch:ClipModelPath"] = RepoPaths.ClipTinyShapes, ["ImageSearch:Index"] = "Flat", ["ImageSearch:IndexThreads"] = "3" });
        var store = provider.GetRequiredService<IImageRecordStore>();
        await store.OpenAsync("test-model", 4);
        await store.UpsertAsync([new ImageRecord { Key = "/a.jpg", ContentHash = "a", Vector = new[] { 1f, 0, 0, 0 } }, new ImageRecord { Key = "/b.jpg", ContentHash = "b", Vector = new[] { 0, 1f, 0, 0 } }]);
        await store.SearchAsync(new[] { 1f, 0, 0, 0 }, new ImageStoreSearchOptions { K = 1 }); // completes synchronously, on this thread
        Assert.Equal(3, VectorImageSearch.Faiss.Interop.ShimNative.LastSearchThreads());
    }

    [Fact]
    public void An_undefined_preset_or_pooling_is_refused_naming_the_setting()
    {
        var preset = Assert.Throws<InvalidOperationException>(() => new ImageSearchOptions { ClipModelPath = "m", ImageModelPreset = (ImageEncoderPreset)42 }.Validate());
        var pooling = Assert.Throws<InvalidOperationException>(() => new ImageSearchOptions { ClipModelPath = "m", ImageModelPooling = (EmbeddingPooling)42 }.Validate());
        Assert.Contains("ImageModelPreset '42'", preset.Message, StringComparison.Ordinal);
        Assert.Contains("ImageModelPooling '42'", pooling.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pixel_limit_below_one_or_negative_index_threads_are_refused_naming_the_setting()
    {
        var pixels = Assert.Throws<InvalidOperationException>(() => new ImageSearchOptions { ClipModelPath = "m", MaxImagePixels = 0 }.Validate());
        var threads = Assert.Throws<InvalidOperationException>(() => new ImageSearchOptions { ClipModelPath = "m", IndexThreads = -1 }.Validate());
        Assert.Contains("ImageSearchOptions.MaxImagePixels", pixels.Message, StringComparison.Ordinal);
        Assert.Contains("ImageSearchOptions.IndexThreads", threads.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Action<ImageSearchOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddImageSearch(configure);
        return services.BuildServiceProvider();
    }

    private static ServiceProvider Bound(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddImageSearch(configuration.GetSection("ImageSearch"));
        return services.BuildServiceProvider();
    }
}
