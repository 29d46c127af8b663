using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Each recipe setting of the Caffe/CNTK generation changes the tensor exactly as specified.</summary>
public sealed class ChannelOrderAndMeanImageTests
{
    // Two pixels, (R, G, B) = (10, 20, 30) and (200, 100, 50).
    private static readonly byte[] Pixels = [10, 20, 30, 200, 100, 50];

    private static readonly PreprocessRecipe Raw = new() { ResizeWidth = 2, ResizeHeight = 1, RescaleFactor = 1f };

    private static float[] Normalize(PreprocessRecipe recipe)
    {
        var tensor = new float[Pixels.Length];
        ImagePipeline.Normalize(Pixels, recipe, tensor);
        return tensor;
    }

    [Fact]
    public void Rgb_order_is_the_default_and_keeps_red_first()
    {
        Assert.Equal(ChannelOrder.Rgb, new PreprocessRecipe().ChannelOrder);
        Assert.Equal([10f, 200f, 20f, 100f, 30f, 50f], Normalize(Raw));
    }

    [Fact]
    public void Bgr_order_puts_the_blue_plane_first_and_red_last()
    {
        Assert.Equal([30f, 50f, 20f, 100f, 10f, 200f], Normalize(Raw with { ChannelOrder = ChannelOrder.Bgr }));
    }

    [Fact]
    public void A_rescale_factor_of_one_keeps_values_in_0_to_255_and_the_default_maps_to_0_to_1()
    {
        Assert.Equal(200f, Normalize(Raw)[1]);
        Assert.Equal(200f / 255f, Normalize(Raw with { RescaleFactor = 1f / 255f })[1], 6);
    }

    [Fact]
    public void Per_channel_means_in_0_to_255_follow_the_tensor_channel_order()
    {
        // Caffe lists its means in BGR order: 104 for blue, 117 for green, 123 for red.
        var recipe = Raw with { ChannelOrder = ChannelOrder.Bgr, Mean = [104f, 117f, 123f] };
        Assert.Equal([30f - 104f, 50f - 104f, 20f - 117f, 100f - 117f, 10f - 123f, 200f - 123f], Normalize(recipe));
    }

    [Fact]
    public void A_mean_image_is_subtracted_pixel_by_pixel_after_the_channel_means_and_before_the_std()
    {
        var meanImage = new MeanImage(2, 1, [1f, 2f, 3f, 4f, 5f, 6f]);
        var recipe = Raw with { ChannelOrder = ChannelOrder.Bgr, Mean = [10f, 10f, 10f], Std = [2f, 4f, 5f], MeanImage = meanImage };
        float[] expected =
        [
            (30f - 10f - 1f) / 2f, (50f - 10f - 2f) / 2f,
            (20f - 10f - 3f) / 4f, (100f - 10f - 4f) / 4f,
            (10f - 10f - 5f) / 5f, (200f - 10f - 6f) / 5f,
        ];
        Assert.Equal(expected, Normalize(recipe));
    }

    [Fact]
    public void A_mean_image_of_another_size_is_refused()
    {
        var recipe = Raw with { MeanImage = new MeanImage(1, 2, new float[6]) };
        var error = Assert.Throws<ArgumentException>(() => ImagePipeline.LoadRgb(ImageInput.FromBytes(new byte[] { 1 }), recipe));
        Assert.Contains("the mean image is 1x2 but the model input is 2x1", error.Message);
        var pixels = Assert.Throws<ArgumentException>(() => ImagePipeline.Normalize(new byte[9], Raw with { MeanImage = new MeanImage(2, 1, new float[6]) }, new float[9]));
        Assert.Contains("mean image is 2x1", pixels.Message);
    }

    [Fact]
    public void A_mean_image_needs_three_planes_of_finite_values()
    {
        Assert.Contains("3 x 1 x 2 = 6 values, not 5", Assert.Throws<ArgumentException>(() => new MeanImage(2, 1, new float[5])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new MeanImage(1, 1, [0f, float.NaN, 0f])).Message);
        Assert.NotEqual(new MeanImage(1, 1, [0f, 0f, 0f]).Digest, new MeanImage(1, 1, [0f, 0f, 1f]).Digest);
    }
}
