using System.Collections.Frozen;
using System.Text;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// Python's <c>html.unescape</c>, reproduced exactly: every HTML5 named reference (also those valid without a ';',
/// with the longest-prefix rule), decimal and hexadecimal references with Python's replacement rules.
/// <see cref="System.Net.WebUtility.HtmlDecode(string)"/> differs from it in many of these cases.
/// </summary>
/// <remarks>
/// One deliberate difference: a decimal reference longer than 4,300 digits makes Python 3.11+ raise (its integer
/// conversion limit); here it is out of range and becomes U+FFFD, like any other reference above U+10FFFF.
/// </remarks>
internal static class PythonHtml
{
    private const int MaxNameCodePoints = 32;

    /// <summary>Every named reference the table holds (html.entities.html5's keys).</summary>
    internal static IReadOnlyList<string> EntityNames => Tables.Entities.Keys;

    /// <summary>Unescapes <paramref name="text"/> as Python's <c>html.unescape</c> does.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The unescaped text; the same instance when it holds no '&amp;'.</returns>
    public static string Unescape(string text)
    {
        var first = text.IndexOf('&');
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        var i = first;
        while (i < text.Length)
        {
            var amp = text.IndexOf('&', i);
            if (amp < 0)
            {
                builder.Append(text, i, text.Length - i);
                break;
            }

            builder.Append(text, i, amp - i);
            i = amp + 1 + ReplaceReference(text.AsSpan(amp + 1), builder);
        }

        return builder.ToString();
    }

    /// <summary>
    /// <see cref="Unescape(string)"/> that also says where each output char came from: <paramref name="alignment"/> holds, for each
    /// char of <paramref name="text"/>, its range in the original text, and is replaced by the same for the result (every
    /// char of a reference's replacement gets the whole reference's range).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="alignment">In: the ranges of <paramref name="text"/>'s chars; out: those of the result's.</param>
    /// <returns>The unescaped text, equal to <see cref="Unescape(string)"/>'s.</returns>
    internal static string Unescape(string text, ref TextAlignment alignment)
    {
        if (text.IndexOf('&') < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var result = new TextAlignment.Builder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '&')
            {
                builder.Append(text[i]);
                result.Add(alignment.Start(i), alignment.End(i));
                i++;
                continue;
            }

            var before = builder.Length;
            var used = ReplaceReference(text.AsSpan(i + 1), builder);
            var (start, end) = (alignment.Start(i), alignment.End(i + used));
            for (var k = before; k < builder.Length; k++)
            {
                result.Add(start, end);
            }

            i += 1 + used;
        }

        alignment = result.Build();
        return builder.ToString();
    }

    /// <summary>
    /// Matches Python's pattern <c>#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f &lt;&amp;#;]{1,32};?</c> at the start of
    /// <paramref name="rest"/> (the text after a '&amp;') and appends the replacement.
    /// </summary>
    /// <returns>How many chars of <paramref name="rest"/> the reference used (0 when it is no reference: '&amp;' stays).</returns>
    private static int ReplaceReference(ReadOnlySpan<char> rest, StringBuilder builder)
    {
        if (rest.IsEmpty)
        {
            builder.Append('&');
            return 0;
        }

        if (rest[0] == '#')
        {
            return ReplaceNumeric(rest, builder);
        }

        // Named: up to 32 code points outside [\t\n\f <&#;], then an optional ';'.
        var length = 0;
        var codePoints = 0;
        while (length < rest.Length && codePoints < MaxNameCodePoints)
        {
            var c = rest[length];
            if (c is '\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';')
            {
                break;
            }

            length += char.IsHighSurrogate(c) && length + 1 < rest.Length && char.IsLowSurrogate(rest[length + 1]) ? 2 : 1;
            codePoints++;
        }

        if (length == 0)
        {
            builder.Append('&');
            return 0;
        }

        if (length < rest.Length && rest[length] == ';')
        {
            length++;
        }

        var name = rest[..length];
        if (Tables.EntityLookup.TryGetValue(name, out var value))
        {
            builder.Append(value);
            return length;
        }

        // The longest prefix (of at least two chars) that is a reference; the rest stays as it is.
        // Names are ASCII, so UTF-16 lengths and Python's code-point lengths agree wherever a prefix can match.
        for (var x = length - 1; x > 1; x--)
        {
            if (Tables.EntityLookup.TryGetValue(name[..x], out value))
            {
                builder.Append(value);
                builder.Append(name[x..]);
                return length;
            }
        }

        builder.Append('&');
        builder.Append(name);
        return length;
    }

    private static int ReplaceNumeric(ReadOnlySpan<char> rest, StringBuilder builder)
    {
        var hex = rest.Length > 1 && (rest[1] is 'x' or 'X');
        var start = hex ? 2 : 1;
        var end = start;
        var value = 0L;
        var overflow = false;
        while (end < rest.Length)
        {
            var digit = hex ? HexValue(rest[end]) : DecimalValue(rest[end]);
            if (digit < 0)
            {
                break;
            }

            if (!overflow)
            {
                value = (value * (hex ? 16 : 10)) + digit;
                overflow = value > 0x10FFFF;
            }

            end++;
        }

        if (end == start)
        {
            // "&#" or "&#x" without digits: no reference; the '&' stays and so does what follows.
            builder.Append('&');
            return 0;
        }

        if (end < rest.Length && rest[end] == ';')
        {
            end++;
        }

        AppendCodePoint(overflow ? int.MaxValue : (int)value, builder);
        return end;
    }

    private static void AppendCodePoint(int number, StringBuilder builder)
    {
        var index = Array.BinarySearch(Tables.InvalidCharrefKeys, number);
        if (index >= 0)
        {
            builder.Append(Tables.InvalidCharrefValues[index]);
            return;
        }

        if (number is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
        {
            builder.Append('\uFFFD');
            return;
        }

        if (IsInvalidCodePoint(number))
        {
            return;
        }

        if (number <= 0xFFFF)
        {
            builder.Append((char)number);
        }
        else
        {
            var rune = new Rune(number);
            Span<char> pair = stackalloc char[2];
            rune.EncodeToUtf16(pair);
            builder.Append(pair);
        }
    }

    private static bool IsInvalidCodePoint(int number)
    {
        var ranges = Tables.InvalidCodePointRanges;
        for (var i = 0; i < ranges.Length; i += 2)
        {
            if (number < ranges[i])
            {
                return false;
            }

            if (number <= ranges[i + 1])
            {
                return true;
            }
        }

        return false;
    }

    private static int DecimalValue(char c) => c is >= '0' and <= '9' ? c - '0' : -1;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Python's <c>html</c> module data (Text/Tables/python-html-*.txt), read on first use: a text without '&amp;'
    /// never loads it. The runtime runs the static constructor once, under its type-initialisation lock.
    /// </summary>
    private static class Tables
    {
        /// <summary>html.entities.html5: name (with its ';' where the name has one) to replacement text.</summary>
        internal static readonly FrozenDictionary<string, string> Entities;

        internal static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> EntityLookup;

        /// <summary>Numeric references that Python replaces with another character (html._invalid_charrefs), sorted.</summary>
        internal static readonly int[] InvalidCharrefKeys;

        /// <summary>The replacement characters for <see cref="InvalidCharrefKeys"/>, in the same order.</summary>
        internal static readonly char[] InvalidCharrefValues;

        /// <summary>Code points Python drops from numeric references (html._invalid_codepoints), as sorted inclusive ranges.</summary>
        internal static readonly int[] InvalidCodePointRanges;

        static Tables()
        {
            Entities = TextTableResource.ReadNamedText("python-html-entities.txt").ToFrozenDictionary(StringComparer.Ordinal);
            EntityLookup = Entities.GetAlternateLookup<ReadOnlySpan<char>>();
            var charrefs = TextTableResource.ReadPairs("python-html-invalid-charrefs.txt");
            InvalidCharrefKeys = new int[charrefs.Length / 2];
            InvalidCharrefValues = new char[charrefs.Length / 2];
            for (var i = 0; i < InvalidCharrefKeys.Length; i++)
            {
                InvalidCharrefKeys[i] = charrefs[2 * i];
                InvalidCharrefValues[i] = checked((char)charrefs[(2 * i) + 1]);
            }

            InvalidCodePointRanges = TextTableResource.ReadPairs("python-html-invalid-codepoints.txt");
        }
    }
}
