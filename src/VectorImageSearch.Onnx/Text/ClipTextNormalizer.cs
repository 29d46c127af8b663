using System.Text;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// CLIP's text cleaning before pre-tokenization, as the reference (OpenAI's <c>simple_tokenizer.py</c> with <c>ftfy</c>
/// replaced by NFC): NFC, <c>html.unescape</c> twice, strip, whitespace runs to one space, strip, <c>str.lower</c>.
/// </summary>
/// <remarks>
/// Python strings may hold lone surrogates, UTF-16 strings here may too; the reference would fail to encode them.
/// Each lone surrogate is replaced by U+FFFD first (what a UTF-8 encoder with replacement, and transformers.js, do).
/// </remarks>
internal static class ClipTextNormalizer
{
    /// <summary>Cleans <paramref name="text"/>.</summary>
    /// <param name="text">Any string.</param>
    /// <returns>The cleaned, lowercased text.</returns>
    public static string Normalize(string text)
    {
        text = ToNfc(ReplaceLoneSurrogates(text));
        text = PythonHtml.Unescape(PythonHtml.Unescape(text));
        text = CleanWhitespace(text);
        return PythonLowercase.ToLower(text);
    }

    /// <summary>
    /// <see cref="Normalize(string)"/> that also says where each cleaned char came from in <paramref name="text"/>, for
    /// token offsets into the caller's text. The cleaned text is the same; should a stage's pieces ever disagree with
    /// it, the alignment falls back to ranges that cover more, never to wrong ones.
    /// </summary>
    /// <param name="text">Any string.</param>
    /// <param name="alignment">For each char of the result, its range in <paramref name="text"/>.</param>
    /// <returns>The cleaned, lowercased text.</returns>
    public static string Normalize(string text, out TextAlignment alignment)
    {
        alignment = TextAlignment.Identity(text.Length);
        var current = ToNfc(ReplaceLoneSurrogates(text), ref alignment);
        current = PythonHtml.Unescape(current, ref alignment);
        current = PythonHtml.Unescape(current, ref alignment);
        current = CleanWhitespace(current, ref alignment);
        current = PythonLowercase.ToLower(current, ref alignment);
        var expected = Normalize(text);
        if (!string.Equals(current, expected, StringComparison.Ordinal) || alignment.Length != expected.Length)
        {
            alignment = TextAlignment.Whole(expected.Length, TextAlignment.Identity(text.Length));
        }

        return expected;
    }

    /// <summary>
    /// Python's <c>str.isspace</c>, the set <c>str.strip()</c> removes: the regex <c>\s</c> set plus U+001C..U+001F.
    /// </summary>
    /// <param name="c">A UTF-16 unit (all such characters are in the BMP).</param>
    /// <returns>Whether it is whitespace for <c>str.strip</c>.</returns>
    public static bool IsPythonSpace(char c) => IsRegexSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>
    /// The <c>regex</c> module's <c>\s</c> (the reference's <c>import regex as re</c>): Unicode White_Space, which
    /// differs from .NET's <see cref="char.IsWhiteSpace(char)"/> and from Python's own <c>str.isspace</c>.
    /// </summary>
    /// <param name="c">A UTF-16 unit.</param>
    /// <returns>Whether the CLIP pattern treats it as whitespace.</returns>
    public static bool IsRegexSpace(char c) => c switch
    {
        >= '\t' and <= '\r' or ' ' or '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Strips <see cref="IsPythonSpace"/> at both ends and turns each run of <see cref="IsRegexSpace"/> into one space.</summary>
    internal static string CleanWhitespace(string text)
    {
        var (start, end) = PythonStripped(text);

        var span = text.AsSpan(start, end - start);
        var needsWork = false;
        for (var i = 0; i < span.Length; i++)
        {
            if (IsRegexSpace(span[i]) && (span[i] != ' ' || (i + 1 < span.Length && IsRegexSpace(span[i + 1]))))
            {
                needsWork = true;
                break;
            }
        }

        if (!needsWork)
        {
            return span.Length == text.Length ? text : span.ToString();
        }

        var builder = new StringBuilder(span.Length);
        for (var i = 0; i < span.Length; i++)
        {
            if (!IsRegexSpace(span[i]))
            {
                builder.Append(span[i]);
                continue;
            }

            builder.Append(' ');
            while (i + 1 < span.Length && IsRegexSpace(span[i + 1]))
            {
                i++;
            }
        }

        return builder.ToString();
    }

    /// <summary>The range of <paramref name="text"/> that Python's <c>str.strip()</c> keeps.</summary>
    private static (int Start, int End) PythonStripped(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return (start, end);
    }

    /// <summary>Aligned <see cref="CleanWhitespace(string)"/>: a collapsed run becomes one space standing for the whole run.</summary>
    private static string CleanWhitespace(string text, ref TextAlignment alignment)
    {
        var builder = new StringBuilder(text.Length);
        var result = new TextAlignment.Builder(text.Length);
        var (start, end) = PythonStripped(text);

        for (var i = start; i < end; i++)
        {
            if (!IsRegexSpace(text[i]))
            {
                builder.Append(text[i]);
                result.Add(alignment.Start(i), alignment.End(i));
                continue;
            }

            var first = i;
            while (i + 1 < end && IsRegexSpace(text[i + 1]))
            {
                i++;
            }

            builder.Append(' ');
            result.Add(alignment.Start(first), alignment.End(i));
        }

        alignment = result.Build();
        return builder.ToString();
    }

    /// <summary>
    /// Aligned <see cref="ToNfc(string)"/>: the text is normalized in pieces that start at a char no composition can
    /// reach back from (anything but a combining mark, a Hangul vowel or trailing jamo, or the second half of a
    /// surrogate pair); each piece's output stands for the whole piece. The pieces are checked against the whole.
    /// </summary>
    private static string ToNfc(string text, ref TextAlignment alignment)
    {
        if (!text.Contains('\uFFFE') && text.IsNormalized(NormalizationForm.FormC))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var result = new TextAlignment.Builder(text.Length);
        var pieceStart = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i < text.Length && !StartsPiece(text, i))
            {
                continue;
            }

            var piece = ToNfc(text[pieceStart..i]);
            builder.Append(piece);
            var (start, end) = (alignment.Start(pieceStart), alignment.End(i - 1));
            for (var k = 0; k < piece.Length; k++)
            {
                result.Add(start, end);
            }

            pieceStart = i;
        }

        var whole = ToNfc(text);
        alignment = builder.Equals(whole) ? result.Build() : TextAlignment.Whole(whole.Length, alignment);
        return whole;
    }

    private static bool StartsPiece(string text, int index)
    {
        var c = text[index];
        if (char.IsLowSurrogate(c) || c is >= '\u1160' and <= '\u11FF')
        {
            return false;
        }

        return System.Globalization.CharUnicodeInfo.GetUnicodeCategory(text, index) is not (
            System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.EnclosingMark);
    }

    /// <summary>
    /// NFC as Python's <c>unicodedata.normalize</c>. .NET refuses strings holding the noncharacter U+FFFE; it is a
    /// normalization boundary (no decomposition, combining class 0, composes with nothing), so the pieces between its
    /// occurrences are normalized one by one and joined again.
    /// </summary>
    /// <param name="text">Text without lone surrogates.</param>
    /// <returns>The NFC form.</returns>
    internal static string ToNfc(string text)
    {
        if (text.Contains('\uFFFE'))
        {
            var pieces = text.Split('\uFFFE');
            for (var i = 0; i < pieces.Length; i++)
            {
                pieces[i] = ToNfc(pieces[i]);
            }

            return string.Join('\uFFFE', pieces);
        }

        return text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
    }

    /// <summary>Replaces every unpaired surrogate with U+FFFD.</summary>
    internal static string ReplaceLoneSurrogates(string text)
    {
        var first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return text;
        }

        char[]? copy = null;
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            copy ??= text.ToCharArray();
            copy[i] = '\uFFFD';
        }

        return copy is null ? text : new string(copy);
    }
}
