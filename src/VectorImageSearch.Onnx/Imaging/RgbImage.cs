namespace VectorImageSearch.Onnx.Imaging;

/// <summary>An 8-bit RGB image: <paramref name="Pixels"/> holds <paramref name="Height"/> rows of <paramref name="Width"/> RGB triples, top to bottom.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">Width × Height × 3 bytes, interleaved R, G, B.</param>
internal sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>The red, green and blue values of the pixel at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <param name="x">Column, from 0.</param>
    /// <param name="y">Row, from 0.</param>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(x);
            ArgumentOutOfRangeException.ThrowIfNegative(y);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
            var i = ((y * Width) + x) * 3;
            return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }
}
