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

    private static bool IsPrintable(byte value) => value is (>= (byte)'!' and <= (byte)'~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
}
