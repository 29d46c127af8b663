using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>Model folders as users download them load unchanged: export variants, external data, float16, Immich's layout.</summary>
public sealed class ModelLayoutTests
{
    private static readonly float[] Fp32Weights = [1f, 2f, 3f];

    [Theory]
    [InlineData(OnnxModelVariant.Fp16, "_fp16")]
    [InlineData(OnnxModelVariant.Quantized, "_quantized")]
    [InlineData(OnnxModelVariant.Int8, "_int8")]
    [InlineData(OnnxModelVariant.UInt8, "_uint8")]
    [InlineData(OnnxModelVariant.Q4, "_q4")]
    [InlineData(OnnxModelVariant.Q4F16, "_q4f16")]
    [InlineData(OnnxModelVariant.Bnb4, "_bnb4")]
    public void The_variant_option_picks_that_file_of_a_hugging_face_export(OnnxModelVariant variant, string suffix)
    {
        using var folder = new TemporaryFolder();
        float[] variantWeights = [3f, 1f, 2f];
        TinyModels.WeightedChannelMeans(Fp32Weights, "batch").WriteTo(folder.Path, "onnx/vision_model.onnx");
        TinyModels.WeightedChannelMeans(variantWeights, "batch").WriteTo(folder.Path, $"onnx/vision_model{suffix}.onnx");
        using var fp32 = new ClipImageEncoder(folder.Path);
        using var chosen = new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = folder.Path, ModelVariant = variant });

        Assert.EndsWith(Path.Combine("onnx", "vision_model.onnx"), fp32.ModelFile);
        Assert.EndsWith(Path.Combine("onnx", $"vision_model{suffix}.onnx"), chosen.ModelFile);
        var image = ShapeLabel.First("red", "circle").Input;
        var pixels = new float[chosen.PreprocessedLength];
        chosen.Preprocess(image, pixels);
        EncoderAssert.Close(TinyModels.ExpectedWeightedMeans(pixels, variantWeights), chosen.Encode(image), 1e-4f);
        EncoderAssert.Close(TinyModels.ExpectedWeightedMeans(pixels, Fp32Weights), fp32.Encode(image), 1e-4f);
        Assert.NotEqual(fp32.ModelFingerprint, chosen.ModelFingerprint);
    }

    [Fact]
    public void A_missing_variant_names_the_files_looked_for_and_the_variants_present()
    {
        using var folder = new TemporaryFolder();
        TinyModels.WeightedChannelMeans(Fp32Weights, "batch").WriteTo(folder.Path, "onnx/vision_model.onnx");
        TinyModels.WeightedChannelMeans(Fp32Weights, "batch").WriteTo(folder.Path, "onnx/vision_model_quantized.onnx");
        var error = Assert.Throws<ModelLoadException>(() => new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = folder.Path, ModelVariant = OnnxModelVariant.Fp16 }));
        Assert.Contains(Path.Combine("onnx", "vision_model_fp16.onnx"), error.Message);
        Assert.Contains("Fp32, Quantized", error.Message);
    }

    [Fact]
    public void Weights_in_an_external_data_file_load_and_count_in_the_fingerprint()
    {
        using var folder = new TemporaryFolder();
        float[] weights = [0.5f, 4f, 1f];
        TinyModels.WeightedChannelMeans(weights, "batch", externalData: "vision_model.onnx_data").WriteTo(folder.Path, "onnx/vision_model.onnx");
        Assert.True(File.Exists(Path.Combine(folder.Path, "onnx", "vision_model.onnx_data")));
        string fingerprint;
        using (var encoder = new ClipImageEncoder(folder.Path))
        {
            var image = ShapeLabel.First("blue", "star").Input;
            var pixels = new float[encoder.PreprocessedLength];
            encoder.Preprocess(image, pixels);
            EncoderAssert.Close(TinyModels.ExpectedWeightedMeans(pixels, weights), encoder.Encode(image), 1e-4f);
            fingerprint = encoder.ModelFingerprint;
        }
        TinyModels.WeightedChannelMeans([0.5f, 4f, 2f], "batch", externalData: "vision_model.onnx_data").WriteTo(folder.Path, "onnx/vision_model.onnx");
        using var changed = new ClipImageEncoder(folder.Path);
        Assert.NotEqual(fingerprint, changed.ModelFingerprint);
    }

    [Fact]
    public void Float16_inputs_and_outputs_are_converted()
    {
        using var folder = new TemporaryFolder();
        TinyModels.WeightedChannelMeans(Fp32Weights, "batch", type: TensorElementType.Float16).WriteTo(folder.Path, "onnx/vision_model_fp16.onnx");
        using var encoder = new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = folder.Path, ModelVariant = OnnxModelVariant.Fp16 });
        var images = ShapeLabel.All.Take(3).Select(label => label.Input).ToArray();
        var batch = encoder.EncodeBatch(images);
        for (var i = 0; i < images.Length; i++)
        {
            var pixels = new float[encoder.PreprocessedLength];
            encoder.Preprocess(images[i], pixels);
            EncoderAssert.Close(TinyModels.ExpectedWeightedMeans(pixels, Fp32Weights), batch[i], 2e-3f);
        }
    }

    [Fact]
    public void Immichs_layout_loads_both_towers_its_preprocessing_and_its_tokenizer_json()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "textual"));
        File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, "tokenizer.json"), Path.Combine(folder.Path, "textual", "tokenizer.json"));
        File.WriteAllText(Path.Combine(folder.Path, "textual", "tokenizer_config.json"), """{ "model_max_length": 77 }""");
        TinyModels.IdSumAndMax("text", "embedding", 1L, 77L).WriteTo(folder.Path, "textual/model.onnx");
        TinyModels.WeightedChannelMeans([1f, 1f, 1f], 1L, input: "image", output: "embedding").WriteTo(folder.Path, "visual/model.onnx");
        File.WriteAllText(Path.Combine(folder.Path, "visual", "preprocess_cfg.json"),
            """{ "size": [224, 224], "mode": "RGB", "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0 }""");

        using var text = new ClipTextEncoder(folder.Path);
        Assert.Equal(Path.Combine(folder.Path, "textual", "model.onnx"), text.ModelFile);
        Assert.Equal(1, text.MaxBatchSize);
        var reference = VectorImageSearch.Onnx.Text.ClipTokenizer.FromFolder(RepoPaths.ClipTinyShapes);
        string[] texts = ["a red circle", "a blue star", "a green heart on white"];
        var embeddings = text.EncodeBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var ids = reference.EncodeContext(texts[i]);
            float[] expected = [ids.Sum() * 1e-5f, ids.Max() * 1e-5f];
            System.Numerics.Tensors.TensorPrimitives.Divide(expected, System.Numerics.Tensors.TensorPrimitives.Norm(expected), expected);
            EncoderAssert.Close(expected, embeddings[i]);
        }

        using var image = new ClipImageEncoder(folder.Path);
        Assert.Equal(Path.Combine(folder.Path, "visual", "model.onnx"), image.ModelFile);
        Assert.Equal([0.5f, 0.5f, 0.5f], image.Recipe.Mean);
        Assert.Equal([0.25f, 0.25f, 0.25f], image.Recipe.Std);
        var inputs = ShapeLabel.All.Take(3).Select(label => label.Input).ToArray();
        var vectors = image.EncodeBatch(inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            var pixels = new float[image.PreprocessedLength];
            image.Preprocess(inputs[i], pixels);
            EncoderAssert.Close(TinyModels.ExpectedWeightedMeans(pixels, [1f, 1f, 1f]), vectors[i], 1e-4f);
        }
    }
}
