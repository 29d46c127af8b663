using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

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
                Span<int> masks = stackalloc int[9 * Vector<int>.Count];
                ChannelMasks(masks);
                for (var y = 0; y < rows; y++)
                {
                    HorizontalRow(source, (firstRow + y) * sourceWidth * 3, horizontal, masks, tempSpan.Slice(y * rowLength, rowLength));
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

    // Lane l of int vector k (k = 0, 1, 2) in a chunk of 3 × Vector<int>.Count bytes holds channel (k × Count + l) mod 3;
    // masks[(c × 3 + k) × Count + l] is −1 where that channel is c, so a masked sum gives one channel's total.
    private static void ChannelMasks(Span<int> masks)
    {
        var lanes = Vector<int>.Count;
        for (var c = 0; c < 3; c++)
        {
            for (var k = 0; k < 3; k++)
            {
                for (var l = 0; l < lanes; l++)
                {
                    masks[(((c * 3) + k) * lanes) + l] = ((k * lanes) + l) % 3 == c ? -1 : 0;
                }
            }
        }
    }

    private static void HorizontalRow(ReadOnlySpan<byte> source, int rowOffset, Kernel kernel, ReadOnlySpan<int> masks, Span<byte> output)
    {
        var lanes = Vector<int>.Count;
        var chunk = 3 * lanes;
        var weights = kernel.Weights;
        var expanded = kernel.Expanded;
        var stride = kernel.ExpandedStride;
        var useVectors = Vector.IsHardwareAccelerated && stride > 0;
        var mask = MemoryMarshal.Cast<int, Vector<int>>(masks);
        for (var x = 0; x < kernel.Outputs; x++)
        {
            var start = kernel.Start(x);
            var count = kernel.Count(x);
            var offset = rowOffset + (start * 3);
            var chunks = ((count * 3) + chunk - 1) / chunk;
            int r, g, b;
            // The vector path reads whole chunks (plus the unused quarter of a widened load) past the last tap, where the
            // expanded weights are zero; near the end of the buffer the scalar path runs instead.
            if (useVectors && offset + (chunks * chunk) + lanes <= source.Length)
            {
                var a0 = Vector<int>.Zero;
                var a1 = Vector<int>.Zero;
                var a2 = Vector<int>.Zero;
                var w = MemoryMarshal.Cast<int, Vector<int>>(expanded.Slice(x * stride, chunks * chunk));
                for (var m = 0; m < chunks; m++)
                {
                    var bytes = new Vector<byte>(source.Slice(offset + (m * chunk)));
                    Vector.Widen(bytes, out var low, out var high);
                    Vector.Widen(low, out var v0, out var v1);
                    Vector.Widen(high, out var v2, out _);
                    a0 += Vector.AsVectorInt32(v0) * w[m * 3];
                    a1 += Vector.AsVectorInt32(v1) * w[(m * 3) + 1];
                    a2 += Vector.AsVectorInt32(v2) * w[(m * 3) + 2];
                }
                r = Half + Vector.Sum((a0 & mask[0]) + (a1 & mask[1]) + (a2 & mask[2]));
                g = Half + Vector.Sum((a0 & mask[3]) + (a1 & mask[4]) + (a2 & mask[5]));
                b = Half + Vector.Sum((a0 & mask[6]) + (a1 & mask[7]) + (a2 & mask[8]));
            }
            else
            {
                var k = weights.Slice(x * kernel.Size, count);
                var pixels = source.Slice(offset, count * 3);
                r = g = b = Half;
                for (var i = 0; i < k.Length; i++)
                {
                    var wi = k[i];
                    r += pixels[i * 3] * wi;
                    g += pixels[(i * 3) + 1] * wi;
                    b += pixels[(i * 3) + 2] * wi;
                }
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
        var block = Vector.IsHardwareAccelerated ? Vector<byte>.Count : int.MaxValue;
        var half = new Vector<int>(Half);
        var max = new Vector<int>(255);
        for (var y = 0; y < kernel.Outputs; y++)
        {
            var start = kernel.Start(y) - firstRow;
            var count = kernel.Count(y);
            var k = weights.Slice(y * size, count);
            var dest = output.Slice(y * rowLength, rowLength);
            var j = 0;
            for (; j + block <= rowLength; j += block)
            {
                Vector<int> a0 = half, a1 = half, a2 = half, a3 = half;
                for (var i = 0; i < count; i++)
                {
                    var w = new Vector<int>(k[i]);
                    var bytes = new Vector<byte>(temp.Slice(((start + i) * rowLength) + j));
                    Vector.Widen(bytes, out var low, out var high);
                    Vector.Widen(low, out var v0, out var v1);
                    Vector.Widen(high, out var v2, out var v3);
                    a0 += Vector.AsVectorInt32(v0) * w;
                    a1 += Vector.AsVectorInt32(v1) * w;
                    a2 += Vector.AsVectorInt32(v2) * w;
                    a3 += Vector.AsVectorInt32(v3) * w;
                }
                var n0 = Vector.Narrow(Clamp(a0, max), Clamp(a1, max));
                var n1 = Vector.Narrow(Clamp(a2, max), Clamp(a3, max));
                Vector.Narrow(Vector.AsVectorUInt16(n0), Vector.AsVectorUInt16(n1)).CopyTo(dest.Slice(j));
            }
            for (; j < rowLength; j++)
            {
                var acc = Half;
                for (var i = 0; i < count; i++)
                {
                    acc += temp[((start + i) * rowLength) + j] * k[i];
                }
                dest[j] = Clip8(acc);
            }
        }
    }

    private static Vector<int> Clamp(Vector<int> sum, Vector<int> max) =>
        Vector.Max(Vector.Min(Vector.ShiftRightArithmetic(sum, PrecisionBits), max), Vector<int>.Zero);

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
        private readonly int[] _expanded;

        private Kernel(int[] weights, int[] bounds, int size, int outputs, int[] expanded, int expandedStride)
        {
            _weights = weights;
            _bounds = bounds;
            _expanded = expanded;
            Size = size;
            Outputs = outputs;
            ExpandedStride = expandedStride;
        }

        public int Size { get; }

        public int Outputs { get; }

        public ReadOnlySpan<int> Weights => _weights.AsSpan(0, Size * Outputs);

        /// <summary>Per output, each weight three times (one per channel), zero-padded to whole vector chunks; 0 stride when absent.</summary>
        public ReadOnlySpan<int> Expanded => _expanded.AsSpan(0, ExpandedStride * Outputs);

        public int ExpandedStride { get; }

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
            return new Kernel(weights, bounds, 1, count, [], 0);
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

            var chunk = 3 * Vector<int>.Count;
            var stride = ((size * 3) + chunk - 1) / chunk * chunk;
            var expanded = ArrayPool<int>.Shared.Rent(stride * count);
            for (var i = 0; i < count; i++)
            {
                var target = expanded.AsSpan(i * stride, stride);
                target.Clear();
                var taps = bounds[(i * 2) + 1];
                for (var t = 0; t < taps; t++)
                {
                    var w = weights[(i * size) + t];
                    target[t * 3] = w;
                    target[(t * 3) + 1] = w;
                    target[(t * 3) + 2] = w;
                }
            }
            return new Kernel(weights, bounds, size, count, expanded, stride);
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(_weights);
            ArrayPool<int>.Shared.Return(_bounds);
            if (_expanded.Length > 0)
            {
                ArrayPool<int>.Shared.Return(_expanded);
            }
        }
    }
}
