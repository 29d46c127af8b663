using System.Buffers;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// A decoded 8-bit RGB image in a pooled buffer (return it with <see cref="Dispose"/>), possibly decoded at 1/<see cref="Shrink"/>
/// scale by JPEG shrink-on-load: then it stands for a <see cref="SourceWidth"/> × <see cref="SourceHeight"/> original.
/// </summary>
internal sealed class DecodedImage : IDisposable
{
    private byte[]? _buffer;

    public DecodedImage(byte[] buffer, int width, int height, int sourceWidth, int sourceHeight, int shrink)
    {
        _buffer = buffer;
        Width = width;
        Height = height;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        Shrink = shrink;
    }

    /// <summary>Decoded width.</summary>
    public int Width { get; }

    /// <summary>Decoded height.</summary>
    public int Height { get; }

    /// <summary>The original width (after EXIF orientation), before shrink-on-load.</summary>
    public int SourceWidth { get; }

    /// <summary>The original height (after EXIF orientation), before shrink-on-load.</summary>
    public int SourceHeight { get; }

    /// <summary>The shrink-on-load factor: 1, 2, 4 or 8.</summary>
    public int Shrink { get; }

    /// <summary>The original's width in decoded pixels (SourceWidth / Shrink, not rounded).</summary>
    public double BoxWidth => (double)SourceWidth / Shrink;

    /// <summary>The original's height in decoded pixels (SourceHeight / Shrink, not rounded).</summary>
    public double BoxHeight => (double)SourceHeight / Shrink;

    /// <summary>Width × Height × 3 bytes, RGB interleaved.</summary>
    public ReadOnlySpan<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(DecodedImage))).AsSpan(0, Width * Height * 3);

    /// <inheritdoc />
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
