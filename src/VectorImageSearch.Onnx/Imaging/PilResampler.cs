using System.Buffers;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// A separable resampler that reproduces PIL's <c>Image.resize</c> for 8-bit RGB (Pillow's <c>Resample.c</c>): the
/// filter's support is widened by the downscale factor (antialiasing), weights are normalised per output pixel, turned
/// into 22-bit fixed point, and each pass rounds and clips to 8 bits (horizontal pass first, as PIL does). Only the
/// output pixels inside a crop window are computed.
/// </summary>
internal static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const int Half = 1 << (PrecisionBits - 1);

    /// <summary>
    /// Resizes the region [0, <paramref name="boxWidth"/>) × [0, <paramref name="boxHeight"/>) of
    /// <paramref name="source"/> to <paramref name="outWidth"/> × <paramref name="outHeight"/> and writes the window
    /// starting at (<paramref name="cropX"/>, <paramref name="cropY"/>) of that result, <paramref name="cropWidth"/> ×
    /// <paramref name="cropHeight"/> RGB pixels, into <paramref name="destination"/>.
    /// </summary>
    public static void ResizeCrop(
        ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, double boxWidth, double boxHeight,
        int outWidth, int outHeight, int cropX, int cropY, int cropWidth, int cropHeight,
        ResampleFilter filter, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, sourceWidth * sourceHeight * 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, cropWidth * cropHeight * 3);
        if (cropX < 0 || cropY < 0 || cropX + cropWidth > outWidth || cropY + cropHeight > outHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(cropX), "The crop window lies outside the resized image.");
        }

        var needHorizontal = outWidth != sourceWidth || boxWidth != sourceWidth;
        var needVertical = outHeight != sourceHeight || boxHeight != sourceHeight;

        var horizontal = needHorizontal ? Kernel.Create(sourceWidth, boxWidth, outWidth, cropX, cropWidth, filter) : Kernel.Identity(cropX, cropWidth);
        var vertical = needVertical ? Kernel.Create(sourceHeight, boxHeight, outHeight, cropY, cropHeight, filter) : Kernel.Identity(cropY, cropHeight);
        try
        {
            // Source rows the vertical pass reads.
            var firstRow = vertical.Start(0);
            var lastRow = vertical.Start(cropHeight - 1) + vertical.Count(cropHeight - 1);
            var rows = lastRow - firstRow;
            var rowLength = cropWidth * 3;
            var temp = ArrayPool<byte>.Shared.Rent(rows * rowLength);
            try
            {
                var tempSpan = temp.AsSpan(0, rows * rowLength);
                for (var y = 0; y < rows; y++)
                {
                    var sourceRow = source.Slice((firstRow + y) * sourceWidth * 3, sourceWidth * 3);
                    HorizontalRow(sourceRow, horizontal, tempSpan.Slice(y * rowLength, rowLength));
                }
                Vertical(tempSpan, rowLength, firstRow, vertical, destination[..(cropHeight * rowLength)]);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(temp);
            }
        }
        finally
        {
            horizontal.Dispose();
            vertical.Dispose();
        }
    }

    private static void HorizontalRow(ReadOnlySpan<byte> row, Kernel kernel, Span<byte> output)
    {
        var weights = kernel.Weights;
        var size = kernel.Size;
        for (var x = 0; x < kernel.Outputs; x++)
        {
            var start = kernel.Start(x);
            var count = kernel.Count(x);
            var k = weights.Slice(x * size, count);
            var pixels = row.Slice(start * 3, count * 3);
            int r = Half, g = Half, b = Half;
            for (var i = 0; i < k.Length; i++)
            {
                var w = k[i];
                r += pixels[i * 3] * w;
                g += pixels[(i * 3) + 1] * w;
                b += pixels[(i * 3) + 2] * w;
            }
            output[x * 3] = Clip8(r);
            output[(x * 3) + 1] = Clip8(g);
            output[(x * 3) + 2] = Clip8(b);
        }
    }

    private static void Vertical(ReadOnlySpan<byte> temp, int rowLength, int firstRow, Kernel kernel, Span<byte> output)
    {
        var weights = kernel.Weights;
        var size = kernel.Size;
        var sums = ArrayPool<int>.Shared.Rent(rowLength);
        try
        {
            var acc = sums.AsSpan(0, rowLength);
            for (var y = 0; y < kernel.Outputs; y++)
            {
                var start = kernel.Start(y) - firstRow;
                var count = kernel.Count(y);
                var k = weights.Slice(y * size, count);
                acc.Fill(Half);
                for (var i = 0; i < count; i++)
                {
                    var w = k[i];
                    var line = temp.Slice((start + i) * rowLength, rowLength);
                    for (var j = 0; j < acc.Length; j++)
                    {
                        acc[j] += line[j] * w;
                    }
                }
                var dest = output.Slice(y * rowLength, rowLength);
                for (var j = 0; j < acc.Length; j++)
                {
                    dest[j] = Clip8(acc[j]);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    private static byte Clip8(int value)
    {
        var v = value >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    private static double Filter(ResampleFilter filter, double x)
    {
        x = Math.Abs(x);
        if (filter == ResampleFilter.Bilinear)
        {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        const double a = -0.5;
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1.0;
        }
        if (x < 2.0)
        {
            return ((((x - 5.0) * x) + 8.0) * x - 4.0) * a;
        }
        return 0.0;
    }

    private static double Support(ResampleFilter filter) => filter == ResampleFilter.Bilinear ? 1.0 : 2.0;

    /// <summary>PIL's fixed-point weights for a run of output pixels along one axis (pooled arrays).</summary>
    private readonly struct Kernel : IDisposable
    {
        private readonly int[] _weights;
        private readonly int[] _bounds;

        private Kernel(int[] weights, int[] bounds, int size, int outputs)
        {
            _weights = weights;
            _bounds = bounds;
            Size = size;
            Outputs = outputs;
        }

        public int Size { get; }

        public int Outputs { get; }

        public ReadOnlySpan<int> Weights => _weights.AsSpan(0, Size * Outputs);

        public int Start(int output) => _bounds[output * 2];

        public int Count(int output) => _bounds[(output * 2) + 1];

        /// <summary>The pass PIL skips: output pixel i is source pixel first + i.</summary>
        public static Kernel Identity(int first, int count)
        {
            var weights = ArrayPool<int>.Shared.Rent(count);
            var bounds = ArrayPool<int>.Shared.Rent(count * 2);
            for (var i = 0; i < count; i++)
            {
                weights[i] = 1 << PrecisionBits;
                bounds[i * 2] = first + i;
                bounds[(i * 2) + 1] = 1;
            }
            return new Kernel(weights, bounds, 1, count);
        }

        /// <summary>PIL's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> for outputs [first, first + count).</summary>
        public static Kernel Create(int inSize, double boxSize, int outSize, int first, int count, ResampleFilter filter)
        {
            var scale = boxSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support(filter) * filterScale;
            var size = ((int)Math.Ceiling(support) * 2) + 1;
            var weights = ArrayPool<int>.Shared.Rent(size * count);
            var bounds = ArrayPool<int>.Shared.Rent(count * 2);
            Span<double> pre = size <= 256 ? stackalloc double[size] : new double[size];
            var inverse = 1.0 / filterScale;
            for (var i = 0; i < count; i++)
            {
                var center = (first + i + 0.5) * scale;
                var min = (int)(center - support + 0.5);
                if (min < 0)
                {
                    min = 0;
                }
                var max = (int)(center + support + 0.5);
                if (max > inSize)
                {
                    max = inSize;
                }
                max -= min;
                var total = 0.0;
                for (var x = 0; x < max; x++)
                {
                    var w = Filter(filter, (x + min - center + 0.5) * inverse);
                    pre[x] = w;
                    total += w;
                }
                var k = weights.AsSpan(i * size, size);
                k.Clear();
                for (var x = 0; x < max; x++)
                {
                    var w = total != 0.0 ? pre[x] / total : pre[x];
                    k[x] = w < 0 ? (int)(-0.5 + (w * (1 << PrecisionBits))) : (int)(0.5 + (w * (1 << PrecisionBits)));
                }
                bounds[i * 2] = min;
                bounds[(i * 2) + 1] = max;
            }
            return new Kernel(weights, bounds, size, count);
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(_weights);
            ArrayPool<int>.Shared.Return(_bounds);
        }
    }
}
