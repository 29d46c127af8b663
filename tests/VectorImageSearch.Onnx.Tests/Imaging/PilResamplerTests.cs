using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>The vectorised, crop-window resampler against a plain transcription of Pillow's two-pass algorithm.</summary>
public sealed class PilResamplerTests
{
    [Theory]
    [InlineData(nameof(ResampleFilter.Bicubic), 97, 61, 40, 25)]
    [InlineData(nameof(ResampleFilter.Bilinear), 97, 61, 40, 25)]
    [InlineData(nameof(ResampleFilter.Bicubic), 320, 213, 168, 112)]
    [InlineData(nameof(ResampleFilter.Bilinear), 320, 213, 191, 128)]
    [InlineData(nameof(ResampleFilter.Bicubic), 30, 20, 75, 50)]   // upscale
    [InlineData(nameof(ResampleFilter.Bicubic), 301, 200, 301, 90)] // one axis unchanged: PIL skips that pass
    public void Matches_the_reference_over_any_crop_window(string filterName, int width, int height, int outWidth, int outHeight)
    {
        var filter = Enum.Parse<ResampleFilter>(filterName); // by name: the enum is internal, a public test method cannot take it
        var random = new Random(width * 31 + height);
        var source = new byte[width * height * 3];
        random.NextBytes(source);
        var expected = Reference(source, width, height, outWidth, outHeight, filter);

        foreach (var (x, y, w, h) in new[] { (0, 0, outWidth, outHeight), (outWidth / 3, outHeight / 4, outWidth / 2, outHeight / 2), (outWidth - 7, outHeight - 5, 7, 5) })
        {
            var actual = new byte[w * h * 3];
            PilResampler.ResizeCrop(source, width, height, width, height, outWidth, outHeight, x, y, w, h, filter, actual);
            for (var row = 0; row < h; row++)
            {
                var want = expected.AsSpan((((y + row) * outWidth) + x) * 3, w * 3).ToArray();
                var got = actual.AsSpan(row * w * 3, w * 3).ToArray();
                Assert.Equal(want, got);
            }
        }
    }

    [Fact]
    public void Box_smaller_than_the_image_maps_the_shrunk_grid()
    {
        // A decoded-at-1/4 image of an original 4001 pixels wide is 1001 wide but stands for 1000.25 pixels.
        var source = new byte[1001 * 3 * 3];
        new Random(7).NextBytes(source);
        var withBox = new byte[224 * 3];
        var withoutBox = new byte[224 * 3];
        PilResampler.ResizeCrop(source, 1001, 3, 1000.25, 3, 224, 1, 0, 0, 224, 1, ResampleFilter.Bicubic, withBox);
        PilResampler.ResizeCrop(source, 1001, 3, 1001, 3, 224, 1, 0, 0, 224, 1, ResampleFilter.Bicubic, withoutBox);
        Assert.NotEqual(withoutBox, withBox);
    }

    // Pillow's Resample.c, written out plainly: precompute_coeffs, normalize_coeffs_8bpc, horizontal pass over every row
    // into an 8-bit image, then the vertical pass; a pass is skipped when that axis keeps its size.
    private static byte[] Reference(byte[] source, int width, int height, int outWidth, int outHeight, ResampleFilter filter)
    {
        var current = source;
        var currentWidth = width;
        if (outWidth != width)
        {
            var (bounds, k, size) = Coefficients(width, outWidth, filter);
            var next = new byte[outWidth * height * 3];
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < outWidth; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = 1 << 21;
                        for (var t = 0; t < bounds[x].Count; t++)
                        {
                            sum += current[(((y * width) + bounds[x].Min + t) * 3) + c] * k[(x * size) + t];
                        }
                        next[(((y * outWidth) + x) * 3) + c] = Clip(sum);
                    }
                }
            }
            current = next;
            currentWidth = outWidth;
        }
        if (outHeight != height)
        {
            var (bounds, k, size) = Coefficients(height, outHeight, filter);
            var next = new byte[currentWidth * outHeight * 3];
            for (var y = 0; y < outHeight; y++)
            {
                for (var x = 0; x < currentWidth; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = 1 << 21;
                        for (var t = 0; t < bounds[y].Count; t++)
                        {
                            sum += current[((((bounds[y].Min + t) * currentWidth) + x) * 3) + c] * k[(y * size) + t];
                        }
                        next[(((y * currentWidth) + x) * 3) + c] = Clip(sum);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> 22, 0, 255);

    private static ((int Min, int Count)[] Bounds, int[] K, int Size) Coefficients(int inSize, int outSize, ResampleFilter filter)
    {
        double support0 = filter == ResampleFilter.Bilinear ? 1 : 2;
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = support0 * filterScale;
        var size = ((int)Math.Ceiling(support) * 2) + 1;
        var bounds = new (int, int)[outSize];
        var k = new int[outSize * size];
        for (var x = 0; x < outSize; x++)
        {
            var center = (x + 0.5) * scale;
            var min = Math.Max(0, (int)(center - support + 0.5));
            var max = Math.Min(inSize, (int)(center + support + 0.5)) - min;
            var w = new double[max];
            for (var t = 0; t < max; t++)
            {
                var d = Math.Abs((t + min - center + 0.5) / filterScale);
                w[t] = filter == ResampleFilter.Bilinear
                    ? (d < 1 ? 1 - d : 0)
                    : d < 1 ? ((1.5 * d) - 2.5) * d * d + 1 : d < 2 ? (((d - 5) * d) + 8) * d - 4 : 0;
                if (filter == ResampleFilter.Bicubic && d >= 1 && d < 2)
                {
                    w[t] *= -0.5;
                }
            }
            var total = w.Sum();
            for (var t = 0; t < max; t++)
            {
                var v = total != 0 ? w[t] / total : w[t];
                k[(x * size) + t] = (int)(v < 0 ? -0.5 + (v * (1 << 22)) : 0.5 + (v * (1 << 22)));
            }
            bounds[x] = (min, max);
        }
        return (bounds, k, size);
    }
}
