using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Onnx.Text;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>
/// A folder with one model.onnx holding both "towers": text_embeds = [tokens, Σ ids / 1e5] from input_ids and
/// attention_mask, image_embeds = the channel means of pixel_values. ONNX Runtime insists on every graph input, so each
/// encoder must feed the other tower's inputs a dummy and fetch only its own output.
/// </summary>
public sealed class CombinedClipModelTests
{
    [Fact]
    public void Both_encoders_run_their_tower_of_a_combined_model_with_dummies_for_the_other()
    {
        using var folder = new TemporaryFolder();
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json", "preprocessor_config.json" })
        {
            File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, file), Path.Combine(folder.Path, file));
        }
        new OnnxModelBuilder()
            .Input("input_ids", TensorElementType.Int64, "text_batch", "sequence")
            .Input("pixel_values", TensorElementType.Float, "image_batch", 3L, 224L, 224L)
            .Input("attention_mask", TensorElementType.Int64, "text_batch", "sequence")
            .Initializer("axis1", [1L], 1)
            .Initializer("scale", [1e-5f], 1)
            .Node("Cast", ["attention_mask"], ["mask_f"], ("to", 1L))
            .Node("ReduceSum", ["mask_f", "axis1"], ["tokens"], ("keepdims", 1L))
            .Node("Cast", ["input_ids"], ["ids_f"], ("to", 1L))
            .Node("ReduceSum", ["ids_f", "axis1"], ["id_sum"], ("keepdims", 1L))
            .Node("Mul", ["id_sum", "scale"], ["id_sum_scaled"])
            .Node("Concat", ["tokens", "id_sum_scaled"], ["text_embeds"], ("axis", 1L))
            .Node("GlobalAveragePool", ["pixel_values"], ["channel_means"])
            .Node("Flatten", ["channel_means"], ["image_embeds"], ("axis", 1L))
            .Output("text_embeds", TensorElementType.Float, "text_batch", 2L)
            .Output("image_embeds", TensorElementType.Float, "image_batch", 3L)
            .WriteTo(folder.Path, "model.onnx");

        using var text = new ClipTextEncoder(folder.Path);
        Assert.Equal(Path.Combine(folder.Path, "model.onnx"), text.ModelFile);
        Assert.Equal(2, text.Dimension);
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        string[] texts = ["a red circle", "a small blue star on a beige background"];
        var batch = text.EncodeBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var context = tokenizer.EncodeContext(texts[i]);
            var tokens = context.Count(id => id != 0);
            float[] expected = [tokens, (float)(context.Sum() * 1e-5)];
            TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
            EncoderAssert.Close(expected, batch[i], 1e-5f);
            EncoderAssert.Close(expected, text.Encode(texts[i]), 1e-5f);
        }

        using var image = new ClipImageEncoder(folder.Path);
        Assert.Equal(3, image.Dimension);
        var input = ShapeLabel.First("green", "triangle").Input;
        var pixels = new float[image.PreprocessedLength];
        image.Preprocess(input, pixels);
        var means = new float[3];
        for (var c = 0; c < 3; c++)
        {
            means[c] = TensorPrimitives.Sum(pixels.AsSpan(c * 224 * 224, 224 * 224)) / (224 * 224);
        }
        TensorPrimitives.Divide(means, TensorPrimitives.Norm(means), means);
        EncoderAssert.Close(means, image.Encode(input), 1e-4f);
        Assert.Equal(text.ModelFingerprint, image.ModelFingerprint);
    }
    [Fact]
    public void A_text_model_with_fixed_length_int32_ids_and_no_mask_gets_exactly_that()
    {
        // text_embeds = [Σ ids, max id] / 1e5 over a fixed 8-token int32 input: the context is cut to 8 tokens, end token last.
        using var folder = new TemporaryFolder();
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, file), Path.Combine(folder.Path, file));
        }
        new OnnxModelBuilder()
            .Input("input_ids", TensorElementType.Int32, "batch", 8L)
            .Initializer("axis1", [1L], 1)
            .Initializer("scale", [1e-5f], 1)
            .Node("Cast", ["input_ids"], ["ids_f"], ("to", 1L))
            .Node("ReduceSum", ["ids_f", "axis1"], ["id_sum"], ("keepdims", 1L))
            .Node("ReduceMax", ["ids_f"], ["id_max"], ("axes", new long[] { 1 }), ("keepdims", 1L))
            .Node("Concat", ["id_sum", "id_max"], ["both"], ("axis", 1L))
            .Node("Mul", ["both", "scale"], ["text_embeds"])
            .Output("text_embeds", TensorElementType.Float, "batch", 2L)
            .WriteTo(folder.Path, "onnx/text_model.onnx");
        using var encoder = new ClipTextEncoder(folder.Path);
        Assert.Equal(8, encoder.MaxSequenceLength);
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        string[] texts = ["a red circle", "a small blue star on a beige background with a long caption"];
        var batch = encoder.EncodeBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var context = tokenizer.EncodeContext(texts[i], 8);
            Assert.Equal(tokenizer.EndTokenId, context.Where(id => id != 0).Last());
            float[] expected = [context.Sum() * 1e-5f, context.Max() * 1e-5f];
            TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
            EncoderAssert.Close(expected, batch[i]);
        }
    }
}
