using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>How far two 8-bit images of one size are apart, over every channel value.</summary>
internal sealed record PixelDifference(double Mean, int P99, int Max)
{
    public static PixelDifference Between(RgbImage actual, RgbImage expected)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        var histogram = new long[256];
        long total = 0;
        for (var i = 0; i < expected.Pixels.Length; i++)
        {
            var d = Math.Abs(actual.Pixels[i] - expected.Pixels[i]);
            histogram[d]++;
            total += d;
        }
        var n = expected.Pixels.Length;
        var rank = (long)Math.Ceiling(0.99 * n);
        long seen = 0;
        var p99 = 0;
        for (var d = 0; d < 256; d++)
        {
            seen += histogram[d];
            if (seen >= rank)
            {
                p99 = d;
                break;
            }
        }
        var max = Array.FindLastIndex(histogram, c => c > 0);
        return new PixelDifference((double)total / n, p99, max);
    }

    public override string ToString() => $"mean {Mean:F4}, p99 {P99}, max {Max}";
}
