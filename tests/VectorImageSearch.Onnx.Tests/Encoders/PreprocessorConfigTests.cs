using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Tests.Models;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>
/// How a user runs a backbone whose preprocessing is no preset (the recipe types are internal): a Hugging Face
/// <c>preprocessor_config.json</c> beside the ONNX file.
/// </summary>
public sealed class PreprocessorConfigTests
{
    private const string Config = """
        {
          "image_processor_type": "CustomImageProcessor",
          "size": { "shortest_edge": 180 },
          "do_center_crop": true,
          "crop_size": { "height": 160, "width": 160 },
          "resample": 2,
          "image_mean": [0.5, 0.5, 0.5],
          "image_std": [0.25, 0.25, 0.25]
        }
        """;

    [Fact]
    public void A_preprocessor_config_beside_the_onnx_file_sets_the_preprocessing_and_the_fingerprint()
    {
        // A 160 × 160 input, which no preset feeds: without the config the ResNet50 preset's 224 recipe cannot load it.
        using var folder = new TemporaryFolder();
        var model = new OnnxModelBuilder()
            .Input("pixel_values", TensorElementType.Float, "batch", 3L, 160L, 160L)
            .Node("AveragePool", ["pixel_values"], ["features"], ("kernel_shape", new long[] { 40, 40 }), ("strides", new long[] { 40, 40 }))
            .Output("features", TensorElementType.Float, "batch", 3L, 4L, 4L)
            .WriteTo(folder.Path, "backbone.onnx");
        var configPath = Path.Combine(folder.Path, "preprocessor_config.json");
        var image = ShapeLabel.First("green", "triangle").Input;

        var missing = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(model, ImageEncoderPreset.ResNet50));
        Assert.Contains("160", missing.Message, StringComparison.Ordinal);

        File.WriteAllText(configPath, Config);
        string fingerprint;
        using (var encoder = new OnnxImageEncoder(model, ImageEncoderPreset.ResNet50))
        {
            Assert.Equal(3 * 160 * 160, encoder.PreprocessedLength);
            var recipe = new PreprocessRecipe
            {
                ShortestEdge = 180, CropWidth = 160, CropHeight = 160, Resample = ResampleFilter.Bilinear,
                Mean = [0.5f, 0.5f, 0.5f], Std = [0.25f, 0.25f, 0.25f],
            };
            var expected = new float[recipe.TensorLength];
            ImagePipeline.Preprocess(image, recipe, expected);
            var actual = new float[encoder.PreprocessedLength];
            encoder.Preprocess(image, actual);
            Assert.Equal(expected, actual);
            fingerprint = encoder.ModelFingerprint;
        }

        File.WriteAllText(configPath, Config.Replace("0.25", "0.5", StringComparison.Ordinal));
        using var changed = new OnnxImageEncoder(model, ImageEncoderPreset.ResNet50);
        Assert.NotEqual(fingerprint, changed.ModelFingerprint);
    }
}
