using System.Numerics.Tensors;
using VectorImageSearch.Onnx.Imaging;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Encoders;

public sealed class OnnxImageEncoderTests(ITestOutputHelper output)
{
    [Fact]
    public void The_resnet_preset_loads_the_tiny_resnet_with_128_pooled_dimensions()
    {
        using var encoder = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes, ImageEncoderPreset.ResNet50);
        Assert.Equal(128, encoder.Dimension);
        Assert.Equal("pooled", encoder.OutputName);
        Assert.Equal(EmbeddingPooling.GlobalAverage, encoder.Pooling);
        Assert.Equal(256, encoder.Recipe.ShortestEdge);
        Assert.Equal(ResampleFilter.Bilinear, encoder.Recipe.Resample);
        Assert.Matches("^resnet-tiny-shapes@sha256:[0-9a-f]{32}$", encoder.ModelFingerprint);
        var vector = encoder.Encode(ShapeLabel.All[0].Input);
        Assert.Equal(128, vector.Length);
        EncoderAssert.UnitLength(vector);
    }

    /// <remarks>
    /// Some colour–shape pairs have fewer than 11 images (white cross: 3), so no model can reach 1.0 with a plain
    /// precision@10 (its ceiling on this set is 0.915). The model card's 0.979 divides each query's hits by the number of
    /// neighbours that can be right, min(10, images of the pair − 1); that is the figure asserted, and the plain one is
    /// checked against its ceiling too.
    /// </remarks>
    [Fact]
    public void Nearest_neighbours_of_the_720_shapes_share_colour_and_shape()
    {
        using var encoder = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes, ImageEncoderPreset.ResNet50);
        var labels = ShapeLabel.All;
        Assert.Equal(720, labels.Count);
        var vectors = encoder.EncodeBatch(labels.Select(l => l.Input).ToList());
        const int K = 10;
        var scores = new float[labels.Count];
        var plain = new double[labels.Count];
        var attainable = new double[labels.Count];
        var ceiling = new double[labels.Count];
        for (var q = 0; q < labels.Count; q++)
        {
            for (var i = 0; i < labels.Count; i++)
            {
                scores[i] = i == q ? float.NegativeInfinity : TensorPrimitives.Dot(vectors[q], vectors[i]);
            }
            var hits = Enumerable.Range(0, labels.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(K)
                .Count(i => SameClass(labels[i], labels[q]));
            var relevant = labels.Count(l => SameClass(l, labels[q])) - 1;
            plain[q] = hits / (double)K;
            attainable[q] = hits / (double)Math.Min(K, relevant);
            ceiling[q] = Math.Min(K, relevant) / (double)K;
        }
        output.WriteLine($"precision@10 over {labels.Count} shapes, query excluded: {attainable.Average():F4} of the attainable " +
            $"(model card: 0.979); plain {plain.Average():F4} (ceiling {ceiling.Average():F4}); worst query {attainable.Min():F2}");
        Assert.True(attainable.Average() >= 0.9, $"Mean precision@10 is {attainable.Average():F4} of the attainable; at least 0.9 is required.");
        Assert.True(plain.Average() >= 0.9 * ceiling.Average(), $"Plain precision@10 {plain.Average():F4} is below 0.9 × its ceiling {ceiling.Average():F4}.");
    }

    private static bool SameClass(ShapeLabel a, ShapeLabel b) => a.Colour == b.Colour && a.Shape == b.Shape;

    [Fact]
    public void Batch_and_single_results_are_equal_within_1e_5_and_concurrent_callers_agree()
    {
        using var encoder = new OnnxImageEncoder(new OnnxImageEncoderOptions { ModelPath = RepoPaths.ResNetTinyShapes, MaxBatchSize = 3 });
        var images = ShapeLabel.All.Take(7).Select(l => l.Input).ToList(); // 3 + 3 + 1: batches are split
        var batch = encoder.EncodeBatch(images);
        var singles = images.Select(encoder.Encode).ToArray();
        for (var i = 0; i < images.Count; i++)
        {
            output.WriteLine($"image {i}: max |batch - single| = {EncoderAssert.MaxDifference(batch[i], singles[i]):E2}");
            EncoderAssert.Close(singles[i], batch[i]);
        }
        var concurrent = new float[images.Count * 4][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = encoder.Encode(images[i % images.Count]));
        for (var i = 0; i < concurrent.Length; i++)
        {
            EncoderAssert.Close(singles[i % images.Count], concurrent[i]);
        }
    }

    [Fact]
    public void A_spatial_feature_map_is_averaged_per_channel()
    {
        // [N, 3, 224, 224] → AveragePool 56×56 → [N, 3, 4, 4]; its spatial mean is each channel's mean over the image.
        using var folder = new TemporaryFolder();
        var model = new OnnxModelBuilder()
            .Input("pixel_values", TensorElementType.Float, "batch", 3L, 224L, 224L)
            .Node("AveragePool", ["pixel_values"], ["features"], ("kernel_shape", new long[] { 56, 56 }), ("strides", new long[] { 56, 56 }))
            .Output("features", TensorElementType.Float, "batch", 3L, 4L, 4L)
            .WriteTo(folder.Path, "model.onnx");
        using var encoder = new OnnxImageEncoder(model, ImageEncoderPreset.ResNet50);
        Assert.Equal(3, encoder.Dimension);
        Assert.Equal(EmbeddingPooling.GlobalAverage, encoder.Pooling);
        var image = ShapeLabel.First("red", "circle").Input;
        var pixels = new float[encoder.PreprocessedLength];
        encoder.Preprocess(image, pixels);
        var expected = new float[3];
        for (var c = 0; c < 3; c++)
        {
            expected[c] = TensorPrimitives.Sum(pixels.AsSpan(c * 224 * 224, 224 * 224)) / (224 * 224);
        }
        TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
        EncoderAssert.Close(expected, encoder.Encode(image), 1e-4f);
    }

    [Theory]
    [InlineData(EmbeddingPooling.ClsToken)]
    [InlineData(EmbeddingPooling.MeanTokens)]
    public void A_token_sequence_is_pooled_to_the_cls_token_or_the_token_mean(EmbeddingPooling pooling)
    {
        // A toy "ViT": 56×56 patches averaged → [N, 3, 16] → tokens [N, 16, 3]; token 0 is the top-left patch.
        using var folder = new TemporaryFolder();
        var model = new OnnxModelBuilder()
            .Input("pixel_values", TensorElementType.Float, "batch", 3L, 224L, 224L)
            .Node("AveragePool", ["pixel_values"], ["patches"], ("kernel_shape", new long[] { 56, 56 }), ("strides", new long[] { 56, 56 }))
            .Initializer("shape", [0L, 3L, 16L], 3)
            .Node("Reshape", ["patches", "shape"], ["channels_by_token"])
            .Node("Transpose", ["channels_by_token"], ["last_hidden_state"], ("perm", new long[] { 0, 2, 1 }))
            .Output("last_hidden_state", TensorElementType.Float, "batch", 16L, 3L)
            .WriteTo(folder.Path, "onnx/model.onnx");
        using var encoder = new OnnxImageEncoder(new OnnxImageEncoderOptions
        {
            ModelPath = folder.Path,
            Preset = ImageEncoderPreset.VisionTransformer,
            Pooling = pooling,
            Recipe = PreprocessRecipe.Clip224,
        });
        Assert.Equal(3, encoder.Dimension);
        Assert.Equal(pooling, encoder.Pooling);
        var image = ShapeLabel.First("blue", "square").Input;
        var pixels = new float[encoder.PreprocessedLength];
        encoder.Preprocess(image, pixels);
        var expected = new float[3];
        for (var c = 0; c < 3; c++)
        {
            double sum = 0;
            var rows = pooling == EmbeddingPooling.ClsToken ? 56 : 224;
            for (var y = 0; y < rows; y++)
            {
                sum += TensorPrimitives.Sum(pixels.AsSpan(c * 224 * 224 + y * 224, rows));
            }
            expected[c] = (float)(sum / (rows * rows));
        }
        TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
        EncoderAssert.Close(expected, encoder.Encode(image), 1e-4f);
    }

    [Fact]
    public void A_model_with_a_1d_output_is_refused_naming_the_output()
    {
        using var folder = new TemporaryFolder();
        var model = new OnnxModelBuilder()
            .Input("pixel_values", TensorElementType.Float, "batch", 3L, 224L, 224L)
            .Node("ReduceMean", ["pixel_values"], ["score"], ("axes", new long[] { 1, 2, 3 }), ("keepdims", 0L))
            .Output("score", TensorElementType.Float, "batch")
            .WriteTo(folder.Path, "model.onnx");
        var automatic = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(model));
        Assert.Equal(model, automatic.ModelPath);
        Assert.Contains("score: Float[batch]", automatic.Message);
        Assert.Contains("no output", automatic.Message);

        var named = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(new OnnxImageEncoderOptions { ModelPath = model, OutputName = "score" }));
        Assert.Contains("1-D", named.Message);
        Assert.Contains("not an embedding", named.Message);

        var unknown = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(new OnnxImageEncoderOptions { ModelPath = model, OutputName = "logits" }));
        Assert.Contains("no output 'logits'", unknown.Message);
    }

    [Fact]
    public void A_model_expecting_other_input_dimensions_is_refused_naming_the_input()
    {
        using var folder = new TemporaryFolder();
        var model = new OnnxModelBuilder()
            .Input("input", TensorElementType.Float, "batch", 1L, 28L, 28L)
            .Node("GlobalAveragePool", ["input"], ["pooled"])
            .Output("pooled", TensorElementType.Float, "batch", 1L, 1L, 1L)
            .WriteTo(folder.Path, "model.onnx");
        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(model));
        Assert.Equal(model, error.ModelPath);
        Assert.Contains("input: Float[batch, 1, 28, 28]", error.Message);
        Assert.Contains("[N, 3, 224, 224]", error.Message);
    }

    [Fact]
    public void The_clip_text_model_is_not_an_image_backbone()
    {
        var textModel = Path.Combine(RepoPaths.ClipTinyShapes, "onnx", "text_model.onnx");
        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(textModel));
        Assert.Equal(textModel, error.ModelPath);
        Assert.Contains("image input", error.Message);
    }

    [Fact]
    public void A_missing_path_or_an_empty_folder_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"vis-no-backbone-{Guid.NewGuid():N}");
        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(missing));
        Assert.Equal(missing, error.ModelPath);
        using var empty = new TemporaryFolder();
        var none = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(empty.Path));
        Assert.Contains("model.onnx", none.Message);
    }

    [Fact]
    public void Encode_preprocessed_checks_its_buffers()
    {
        using var encoder = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes);
        var pixels = new float[encoder.PreprocessedLength];
        Assert.Throws<ArgumentException>(() => encoder.EncodePreprocessed(pixels, 2, new float[256]));
        Assert.Throws<ArgumentException>(() => encoder.EncodePreprocessed(pixels, 1, new float[127]));
        var embedding = new float[128];
        encoder.EncodePreprocessed(pixels, 1, embedding);
        EncoderAssert.UnitLength(embedding);
    }
}
