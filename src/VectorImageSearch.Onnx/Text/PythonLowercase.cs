using System.Text;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// Python's <c>str.lower</c>: the full Unicode lowercase mapping (U+0130 'İ' becomes "i̇") with the Final_Sigma rule
/// ('Σ' becomes 'ς' at the end of a word), from tables generated out of Python (eng/tools/gen-clip-text-tables.py), so
/// the result does not depend on the ICU version of the machine. <see cref="string.ToLowerInvariant"/> differs.
/// </summary>
internal static class PythonLowercase
{
    private const int CapitalSigma = 0x03A3;
    private const int FinalSigma = 0x03C2;
    private const int SmallSigma = 0x03C3;
    private const int CapitalIWithDot = 0x0130;

    /// <summary>Lowercases <paramref name="text"/> as Python's <c>str.lower</c> does.</summary>
    /// <param name="text">Text without lone surrogates.</param>
    /// <returns>The lowercased text; the same instance when nothing changes.</returns>
    public static string ToLower(string text)
    {
        var firstChange = FirstChange(text);
        if (firstChange < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        builder.Append(text, 0, firstChange);
        Span<char> buffer = stackalloc char[2];
        for (var i = firstChange; i < text.Length;)
        {
            var c = text[i];
            if (c < 0x80)
            {
                builder.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
                i++;
                continue;
            }

            var rune = Rune.GetRuneAt(text, i);
            var value = rune.Value;
            if (value == CapitalIWithDot)
            {
                builder.Append('i').Append('\u0307');
            }
            else if (value == CapitalSigma)
            {
                builder.Append((char)(IsFinalSigma(text, i) ? FinalSigma : SmallSigma));
            }
            else
            {
                var lower = new Rune(Lower(value));
                builder.Append(buffer[..lower.EncodeToUtf16(buffer)]);
            }

            i += rune.Utf16SequenceLength;
        }

        return builder.ToString();
    }

    /// <summary>
    /// <see cref="ToLower(string)"/> that also says where each output char came from (see <see cref="TextAlignment"/>):
    /// the chars a code point lowercases to all get that code point's range.
    /// </summary>
    internal static string ToLower(string text, ref TextAlignment alignment)
    {
        var lower = ToLower(text);
        if (ReferenceEquals(lower, text))
        {
            return text;
        }

        var result = new TextAlignment.Builder(lower.Length);
        for (var i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            var value = rune.Value;
            var length = value == CapitalIWithDot ? 2 : value == CapitalSigma ? 1 : new Rune(Lower(value)).Utf16SequenceLength;
            var (start, end) = (alignment.Start(i), alignment.End(i + rune.Utf16SequenceLength - 1));
            for (var k = 0; k < length; k++)
            {
                result.Add(start, end);
            }

            i += rune.Utf16SequenceLength;
        }

        // Lengths are per code point, so the counts agree; should they not, every char gets the whole text's range.
        alignment = result.Count == lower.Length ? result.Build() : TextAlignment.Whole(lower.Length, alignment);
        return lower;
    }

    /// <summary>The single-code-point lowercase of <paramref name="codePoint"/> (U+0130 and 'Σ' are handled by the caller).</summary>
    private static int Lower(int codePoint)
    {
        var index = Array.BinarySearch(Tables.LowerFrom, codePoint);
        return index >= 0 ? Tables.LowerTo[index] : codePoint;
    }

    private static int FirstChange(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    return i;
                }

                continue;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && Lower(char.ConvertToUtf32(c, text[i + 1])) != char.ConvertToUtf32(c, text[i + 1]))
                {
                    return i;
                }

                continue;
            }

            if (c == CapitalIWithDot || c == CapitalSigma || Lower(c) != c)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Python's Final_Sigma test for the 'Σ' at <paramref name="index"/>:
    /// <c>\p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased})</c>.
    /// </summary>
    private static bool IsFinalSigma(string text, int index)
    {
        var j = index;
        var before = -1;
        while (j > 0)
        {
            var previous = char.IsLowSurrogate(text[j - 1]) && j > 1 && char.IsHighSurrogate(text[j - 2])
                ? char.ConvertToUtf32(text[j - 2], text[j - 1])
                : text[j - 1];
            j -= previous > 0xFFFF ? 2 : 1;
            if (!InRanges(Tables.CaseIgnorableRanges, previous))
            {
                before = previous;
                break;
            }
        }

        if (before < 0 || !InRanges(Tables.CasedRanges, before))
        {
            return false;
        }

        for (var k = index + 1; k < text.Length;)
        {
            var next = Rune.GetRuneAt(text, k).Value;
            k += next > 0xFFFF ? 2 : 1;
            if (!InRanges(Tables.CaseIgnorableRanges, next))
            {
                return !InRanges(Tables.CasedRanges, next);
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="codePoint"/> lies in one of the sorted inclusive ranges (start, end pairs).</summary>
    private static bool InRanges(ReadOnlySpan<int> ranges, int codePoint)
    {
        int low = 0, high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (codePoint < ranges[2 * mid])
            {
                high = mid - 1;
            }
            else if (codePoint > ranges[(2 * mid) + 1])
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Python's <c>str.lower</c> data (Text/Tables/python-lowercase.txt, python-case-ignorable.txt, python-cased.txt),
    /// read on first use: ASCII-only text never loads it. The runtime runs the static constructor once, under its
    /// type-initialisation lock.
    /// </summary>
    private static class Tables
    {
        /// <summary>Code points whose lowercase is one other code point (sorted), except U+0130 which maps to two.</summary>
        internal static readonly int[] LowerFrom;

        /// <summary>The lowercase of each entry of <see cref="LowerFrom"/>.</summary>
        internal static readonly int[] LowerTo;

        /// <summary>Case_Ignorable code points (skipped by the final-sigma rule), as sorted inclusive ranges.</summary>
        internal static readonly int[] CaseIgnorableRanges;

        /// <summary>Cased code points that are not case-ignorable, as sorted inclusive ranges.</summary>
        internal static readonly int[] CasedRanges;

        static Tables()
        {
            var lower = TextTableResource.ReadPairs("python-lowercase.txt");
            LowerFrom = new int[lower.Length / 2];
            LowerTo = new int[lower.Length / 2];
            for (var i = 0; i < LowerFrom.Length; i++)
            {
                LowerFrom[i] = lower[2 * i];
                LowerTo[i] = lower[(2 * i) + 1];
            }

            CaseIgnorableRanges = TextTableResource.ReadPairs("python-case-ignorable.txt");
            CasedRanges = TextTableResource.ReadPairs("python-cased.txt");
        }
    }
}
