namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// GPT-2/CLIP's byte-to-unicode table: each of the 256 byte values is shown as one printable character, so that
/// byte-level BPE vocabularies can be stored as text ('!'..'~', '¡'..'¬', '®'..'ÿ' stand for themselves; the other
/// bytes are shifted to U+0100 and above in byte order).
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    /// <param name="value">A byte.</param>
    /// <returns>Its printable character.</returns>
    public static char ToChar(byte value)
    {
        if (IsPrintable(value))
        {
            return (char)value;
        }

        // Bytes that are not printable are numbered in byte order from U+0100.
        var shifted = 0;
        for (var b = 0; b < value; b++)
        {
            if (!IsPrintable((byte)b))
            {
                shifted++;
            }
        }

        return (char)(256 + shifted);
    }

    /// <summary>The byte that <paramref name="c"/> stands for, if it is one of the 256 characters of the table.</summary>
    /// <param name="c">A character of a byte-level token.</param>
    /// <param name="value">The byte.</param>
    /// <returns>Whether <paramref name="c"/> is in the table.</returns>
    public static bool TryToByte(char c, out byte value)
    {
        if (c < 256 && IsPrintable((byte)c))
        {
            value = (byte)c;
            return true;
        }

        // The others were numbered from U+0100 in byte order.
        var index = c - 256;
        for (var b = 0; b < 256 && index >= 0; b++)
        {
            if (!IsPrintable((byte)b) && index-- == 0)
            {
                value = (byte)b;
                return true;
            }
        }

        value = 0;
        return false;
    }

    private static bool IsPrintable(byte value) => value is (>= (byte)'!' and <= (byte)'~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
}
