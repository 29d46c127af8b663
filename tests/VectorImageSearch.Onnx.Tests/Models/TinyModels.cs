using Microsoft.ML.OnnxRuntime.Tensors;

namespace VectorImageSearch.Onnx.Tests.Models;

/// <summary>Small image and text models in the layouts users download, and the embeddings they must give.</summary>
internal static class TinyModels
{
    /// <summary>
    /// An image tower: <c>image_embeds</c> = per-channel means of the [N, 3, 224, 224] input × <paramref name="weights"/>
    /// (3 floats; inline, or in <paramref name="externalData"/> beside the model).
    /// </summary>
    public static OnnxModelBuilder WeightedChannelMeans(float[] weights, object batch, string input = "pixel_values", string output = "image_embeds",
        TensorElementType type = TensorElementType.Float, string? externalData = null)
    {
        var builder = new OnnxModelBuilder().Input(input, type, batch, 3L, 224L, 224L);
        builder = externalData is null ? builder.Initializer("weights", weights, 3) : builder.ExternalInitializer("weights", weights, externalData, 3);
        var pixels = input;
        if (type == TensorElementType.Float16)
        {
            builder.Node("Cast", [input], ["pixels_f"], ("to", 1L));
            pixels = "pixels_f";
        }
        builder.Node("GlobalAveragePool", [pixels], ["channel_means"])
            .Node("Flatten", ["channel_means"], ["means"], ("axis", 1L));
        if (type == TensorElementType.Float16)
        {
            builder.Node("Mul", ["means", "weights"], ["weighted"]).Node("Cast", ["weighted"], [output], ("to", 10L));
        }
        else
        {
            builder.Node("Mul", ["means", "weights"], [output]);
        }
        return builder.Output(output, type, batch, 3L);
    }

    /// <summary>A text tower over int32 ids of a fixed length: <c>embedding</c> = [Σ ids, max id] × 1e-5.</summary>
    public static OnnxModelBuilder IdSumAndMax(string input, string output, object batch, long length) => new OnnxModelBuilder()
        .Input(input, TensorElementType.Int32, batch, length)
        .Initializer("axis1", [1L], 1)
        .Initializer("scale", [1e-5f], 1)
        .Node("Cast", [input], ["ids_f"], ("to", 1L))
        .Node("ReduceSum", ["ids_f", "axis1"], ["id_sum"], ("keepdims", 1L))
        .Node("ReduceMax", ["ids_f"], ["id_max"], ("axes", new long[] { 1 }), ("keepdims", 1L))
        .Node("Concat", ["id_sum", "id_max"], ["both"], ("axis", 1L))
        .Node("Mul", ["both", "scale"], [output])
        .Output(output, TensorElementType.Float, batch, 2L);

    /// <summary>The unit vector of <paramref name="pixels"/>' channel means × <paramref name="weights"/>.</summary>
    public static float[] ExpectedWeightedMeans(ReadOnlySpan<float> pixels, float[] weights)
    {
        var plane = pixels.Length / 3;
        var expected = new float[3];
        for (var c = 0; c < 3; c++)
        {
            expected[c] = System.Numerics.Tensors.TensorPrimitives.Sum(pixels.Slice(c * plane, plane)) / plane * weights[c];
        }
        System.Numerics.Tensors.TensorPrimitives.Divide(expected, System.Numerics.Tensors.TensorPrimitives.Norm(expected), expected);
        return expected;
    }
}
