using System.Globalization;
using System.Text;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// CLIP's pre-tokenizer, the matches of
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// with the <c>regex</c> module and IGNORECASE, scanned by hand (no backtracking, no allocation).
/// </summary>
/// <remarks>
/// Quirks of the reference kept on purpose: with IGNORECASE 'ſ' (U+017F) matches 's' (so "'ſ" is a contraction), and
/// U+0345 (which case-folds to a letter) is matched by no alternative and is dropped. Characters the pattern does not
/// match (whitespace) are skipped. Letters and numbers are the Unicode categories L* and N* of .NET.
/// </remarks>
internal static class ClipPreTokenizer
{
    private const string StartOfText = "<|startoftext|>";
    private const string EndOfText = "<|endoftext|>";

    /// <summary>Finds the next pre-token at or after <paramref name="position"/>.</summary>
    /// <param name="text">Normalized text (no lone surrogates).</param>
    /// <param name="position">Where to search from; moved past the token found.</param>
    /// <param name="start">Where the token starts.</param>
    /// <param name="length">The token's length in chars.</param>
    /// <param name="kind">What the token is.</param>
    /// <returns>Whether a token was found.</returns>
    public static bool Next(ReadOnlySpan<char> text, ref int position, out int start, out int length, out PreTokenKind kind)
    {
        var i = position;
        while (i < text.Length)
        {
            var rest = text[i..];
            if (rest[0] == '<')
            {
                if (MatchesIgnoreCase(rest, StartOfText))
                {
                    return Found(ref position, i, StartOfText.Length, PreTokenKind.StartOfText, out start, out length, out kind);
                }

                if (MatchesIgnoreCase(rest, EndOfText))
                {
                    return Found(ref position, i, EndOfText.Length, PreTokenKind.EndOfText, out start, out length, out kind);
                }
            }
            else if (rest[0] == '\'' && rest.Length > 1)
            {
                var contraction = ContractionLength(rest);
                if (contraction > 0)
                {
                    return Found(ref position, i, contraction, PreTokenKind.Word, out start, out length, out kind);
                }
            }

            var cls = Classify(rest, out var width);
            switch (cls)
            {
                case CharClass.Letter:
                    {
                        var end = i + width;
                        while (end < text.Length && Classify(text[end..], out var w) == CharClass.Letter)
                        {
                            end += w;
                        }

                        return Found(ref position, i, end - i, PreTokenKind.Word, out start, out length, out kind);
                    }

                case CharClass.Number:
                    return Found(ref position, i, width, PreTokenKind.Word, out start, out length, out kind);

                case CharClass.Other:
                    {
                        var end = i + width;
                        while (end < text.Length && Classify(text[end..], out var w) == CharClass.Other)
                        {
                            end += w;
                        }

                        return Found(ref position, i, end - i, PreTokenKind.Word, out start, out length, out kind);
                    }

                default:
                    i += width; // whitespace and U+0345: matched by no alternative
                    break;
            }
        }

        position = text.Length;
        start = text.Length;
        length = 0;
        kind = PreTokenKind.Word;
        return false;
    }

    private static bool Found(ref int position, int at, int size, PreTokenKind what, out int start, out int length, out PreTokenKind kind)
    {
        start = at;
        length = size;
        kind = what;
        position = at + size;
        return true;
    }

    /// <summary>The length of <c>'s|'t|'re|'ve|'m|'ll|'d</c> (case-insensitive) at the start of <paramref name="text"/>, or 0.</summary>
    private static int ContractionLength(ReadOnlySpan<char> text)
    {
        var c = text[1];
        if (EqualsIgnoreCase(c, 's') || EqualsIgnoreCase(c, 't') || EqualsIgnoreCase(c, 'm') || EqualsIgnoreCase(c, 'd'))
        {
            return 2;
        }

        if (text.Length > 2)
        {
            var d = text[2];
            if ((EqualsIgnoreCase(c, 'r') && EqualsIgnoreCase(d, 'e')) || (EqualsIgnoreCase(c, 'v') && EqualsIgnoreCase(d, 'e'))
                || (EqualsIgnoreCase(c, 'l') && EqualsIgnoreCase(d, 'l')))
            {
                return 3;
            }
        }

        return 0;
    }

    private static bool MatchesIgnoreCase(ReadOnlySpan<char> text, string literal)
    {
        if (text.Length < literal.Length)
        {
            return false;
        }

        for (var i = 0; i < literal.Length; i++)
        {
            if (!EqualsIgnoreCase(text[i], literal[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The regex module's simple case-insensitive equality with an ASCII character (only 's' has a non-ASCII variant, 'ſ').</summary>
    private static bool EqualsIgnoreCase(char c, char ascii)
    {
        if (c == ascii)
        {
            return true;
        }

        if (ascii is >= 'a' and <= 'z')
        {
            return c == (char)(ascii - 32) || (ascii == 's' && c == '\u017F');
        }

        return false;
    }

    /// <summary>Which part of the pattern takes a character.</summary>
    internal enum CharClass
    {
        /// <summary>A letter: <c>[\p{L}]+</c>.</summary>
        Letter,

        /// <summary>A number: <c>[\p{N}]</c>, one at a time.</summary>
        Number,

        /// <summary>Anything else that is not whitespace: <c>[^\s\p{L}\p{N}]+</c>.</summary>
        Other,

        /// <summary>Whitespace and U+0345: matched by nothing, skipped.</summary>
        Skipped,
    }

    /// <summary>Which part of the pattern takes the character at the start of <paramref name="text"/>.</summary>
    internal static CharClass Classify(ReadOnlySpan<char> text, out int width)
    {
        var c = text[0];
        if (c < 0x80)
        {
            width = 1;
            return c switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' => CharClass.Letter,
                >= '0' and <= '9' => CharClass.Number,
                >= '\t' and <= '\r' or ' ' => CharClass.Skipped,
                _ => CharClass.Other,
            };
        }

        if (ClipTextNormalizer.IsRegexSpace(c) || c == '\u0345')
        {
            width = 1;
            return CharClass.Skipped;
        }

        Rune.DecodeFromUtf16(text, out var rune, out width);
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }
}
