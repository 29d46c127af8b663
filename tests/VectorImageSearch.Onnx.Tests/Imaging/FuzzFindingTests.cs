using NetVips;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Inputs the coverage-guided fuzzer (eng/fuzz/run.sh) found to fail wrongly, each pinned as it should behave.</summary>
public sealed class FuzzFindingTests
{
    /// <summary>
    /// A TIFF whose three 8-bit bands are not tagged RGB loads as libvips' "multiband"; NetVips then returns the loaded
    /// image itself from Autorot and Colourspace, and the decoder disposed the image it was about to read
    /// (ObjectDisposedException, found by AFL 7 s into its first run). It must decode as the RGB it holds.
    /// </summary>
    [Fact]
    public void A_three_band_image_not_tagged_RGB_decodes_to_its_pixels()
    {
        const int width = 6, height = 4;
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7);
        }
        using var rgb = Image.NewFromMemory(pixels, width, height, 3, Enums.BandFormat.Uchar);
        var tiff = WithPhotometric(rgb.WriteToBuffer(".tif[keep=none]"), 7686); // the fuzzer's value: none TIFF defines
        using (var check = Image.NewFromBuffer(tiff))
        {
            Assert.Equal(Enums.Interpretation.Multiband, check.Interpretation); // the case the decoder met
        }

        var decoded = ImagePipeline.Decode(ImageInput.FromBytes(tiff, "multiband.tif"));

        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        Assert.Equal(pixels, decoded.Pixels);
        var tensor = new float[PreprocessRecipe.Clip224.TensorLength];
        ImagePipeline.Preprocess(ImageInput.FromBytes(tiff, "multiband.tif"), PreprocessRecipe.Clip224, tensor);
        Assert.Contains(tensor, v => v != tensor[0]);
    }

    // A little-endian TIFF with its first image's PhotometricInterpretation tag (262, one SHORT) set to value.
    private static byte[] WithPhotometric(byte[] tiff, ushort value)
    {
        Assert.Equal((byte)'I', tiff[0]);
        var ifd = BitConverter.ToInt32(tiff, 4);
        var entries = BitConverter.ToUInt16(tiff, ifd);
        for (var i = 0; i < entries; i++)
        {
            var entry = ifd + 2 + (12 * i);
            if (BitConverter.ToUInt16(tiff, entry) == 262)
            {
                BitConverter.GetBytes(value).CopyTo(tiff, entry + 8);
                return tiff;
            }
        }
        throw new InvalidOperationException("The TIFF has no PhotometricInterpretation tag.");
    }
}
