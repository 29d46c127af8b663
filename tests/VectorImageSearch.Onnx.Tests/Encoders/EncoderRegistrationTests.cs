using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Onnx.DependencyInjection;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Encoders;

public sealed class EncoderRegistrationTests
{
    [Fact]
    public void AddClipEncoders_registers_both_towers_under_their_interfaces_as_singletons()
    {
        var services = new ServiceCollection().AddClipEncoders(RepoPaths.ClipTinyShapes, o => o.MaxBatchSize = 4);
        using var provider = services.BuildServiceProvider();
        var text = provider.GetRequiredService<ClipTextEncoder>();
        Assert.Same(text, provider.GetRequiredService<ITextEncoder>());
        Assert.Same(text, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(4, text.MaxBatchSize);
        var image = provider.GetRequiredService<ClipImageEncoder>();
        Assert.Same(image, provider.GetRequiredService<IImageEncoder>());
        Assert.Same(image, provider.GetRequiredService<IEmbeddingGenerator<ImageInput, Embedding<float>>>());
        Assert.Equal(image.ModelFingerprint, text.ModelFingerprint);

        var query = text.Encode("a red circle");
        var match = image.Encode(ShapeLabel.First("red", "circle").Input);
        var other = image.Encode(ShapeLabel.First("blue", "square").Input);
        Assert.True(System.Numerics.Tensors.TensorPrimitives.Dot(query, match) > System.Numerics.Tensors.TensorPrimitives.Dot(query, other));
    }

    [Fact]
    public void AddOnnxImageEncoder_registers_the_backbone_with_its_preset()
    {
        var services = new ServiceCollection().AddOnnxImageEncoder(RepoPaths.ResNetTinyShapes, ImageEncoderPreset.ResNet50);
        using var provider = services.BuildServiceProvider();
        var encoder = provider.GetRequiredService<OnnxImageEncoder>();
        Assert.Same(encoder, provider.GetRequiredService<IImageEncoder>());
        Assert.Same(encoder, provider.GetRequiredService<IEmbeddingGenerator<ImageInput, Embedding<float>>>());
        Assert.Equal(128, encoder.Dimension);
        Assert.Equal(ImageEncoderPreset.ResNet50, encoder.Preset);
    }

    [Fact]
    public void A_bad_folder_surfaces_as_a_model_load_exception_when_the_encoder_is_resolved()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"vis-no-model-{Guid.NewGuid():N}");
        using var provider = new ServiceCollection().AddClipEncoders(missing).BuildServiceProvider();
        var error = Assert.Throws<ModelLoadException>(() => provider.GetRequiredService<ITextEncoder>());
        Assert.Equal(missing, error.ModelPath);
    }
}
