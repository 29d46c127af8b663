using VectorImageSearch.Onnx.Text;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>The Python rules the cleaning reproduces; expected values are what CPython 3.11 returns.</summary>
public sealed class PythonTextRulesTests
{
    [Theory]
    [InlineData("no references", "no references")]
    [InlineData("&amp;", "&")]
    [InlineData("&amp;amp;", "&amp;")]
    [InlineData("&AMP no semicolon", "& no semicolon")]
    [InlineData("&ampfoo;", "&foo;")]
    [InlineData("&notin; &notit; &not", "\u2209 \u00ACit; \u00AC")]
    [InlineData("&#65;&#x42;&#X43 &#x;&#; &#", "ABC &#x;&#; &#")]
    [InlineData("&#0;&#13;&#128;&#150;&#159;", "\uFFFD\r\u20AC\u2013\u0178")]
    [InlineData("&#xD800;|&#x110000;|&#99999999999999999999;", "\uFFFD|\uFFFD|\uFFFD")]
    [InlineData("&#1;|&#11;|&#xFDD0;|&#x10FFFF;", "|||")]
    [InlineData("&#x1F600;", "\U0001F600")]
    [InlineData("&lt&gt&quot&apos&nbsp;", "<>\"&apos\u00A0")]
    [InlineData("AT&T and Q&A", "AT&T and Q&A")]
    [InlineData("&&& &; &", "&&& &; &")]
    [InlineData("&NotNestedGreaterGreater;", "\u2AA2\u0338")]
    [InlineData("&abcdefghijklmnopqrstuvwxyzabcdefghijkl;", "&abcdefghijklmnopqrstuvwxyzabcdefghijkl;")]
    [InlineData("&copyabcdefghijklmnopqrstuvwxyzabcdefghijkl;", "\u00A9abcdefghijklmnopqrstuvwxyzabcdefghijkl;")]
    public void Unescape_matches_Python(string text, string expected) => Assert.Equal(expected, PythonHtml.Unescape(text));

    [Theory]
    [InlineData("HELLO", "hello")]
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("ΟΔΥΣΣΕΥΣ", "οδυσσευς")]
    [InlineData("Σ", "σ")]
    [InlineData("ΑΣ ΑΣ.", "ας ας.")]
    [InlineData("ΑΣ\u0301Β", "ασ\u0301β")]
    [InlineData("Α\u0301Σ", "α\u0301ς")]
    [InlineData("\u212A \u1E9E Ǆ", "k ß ǆ")]
    [InlineData("\U00010400\U0001E900", "\U00010428\U0001E922")]
    [InlineData("already lower", "already lower")]
    public void Lowercase_matches_Python(string text, string expected) => Assert.Equal(expected, PythonLowercase.ToLower(text));

    [Theory]
    [InlineData("  a \t\n b  ", "a b")]
    [InlineData("\u001c a\u001cb \u001f", "a\u001cb")]
    [InlineData("a\u0085b\u2028c\u3000\u00a0d", "a b c d")]
    [InlineData("a\u200bb", "a\u200bb")]
    public void Whitespace_matches_the_reference(string text, string expected) => Assert.Equal(expected, ClipTextNormalizer.CleanWhitespace(text));

    [Theory]
    [InlineData("e\u0301", "\u00E9")]
    [InlineData("e\uFFFE\u0301", "e\uFFFE\u0301")]
    [InlineData("\uFFFEe\u0301\uFFFE\uFFFEA\u030A\uFFFE", "\uFFFE\u00E9\uFFFE\uFFFE\u00C5\uFFFE")]
    [InlineData("\u212B\uFFFF", "\u00C5\uFFFF")]
    public void NFC_matches_Python_also_around_noncharacters(string text, string expected) => Assert.Equal(expected, ClipTextNormalizer.ToNfc(text));

    [Fact]
    public void Pattern_classes_match_the_regex_module()
    {
        // clip_pattern_classes.txt holds, for every code point, which part of CLIP's pattern the regex module gives it.
        // The regex module follows a newer Unicode than .NET 10 (17.0 against 16.0): code points that .NET does not
        // know yet are "other" here and may be letters there, so only code points assigned in .NET are compared.
        var runs = File.ReadLines(TokenizerTestData.PatternClasses)
            .Where(line => !line.StartsWith('#'))
            .Select(line => (Start: Convert.ToInt32(line[..line.IndexOf(' ')], 16), Class: line[^1]))
            .ToArray();
        var mismatches = new List<string>();
        Span<char> buffer = stackalloc char[2];
        for (var r = 0; r < runs.Length; r++)
        {
            var end = r + 1 < runs.Length ? runs[r + 1].Start : 0x110000;
            for (var c = runs[r].Start; c < end; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.OtherNotAssigned)
                {
                    continue;
                }

                var length = new System.Text.Rune(c).EncodeToUtf16(buffer);
                var actual = ClipPreTokenizer.Classify(buffer[..length], out var width) switch
                {
                    ClipPreTokenizer.CharClass.Letter => 'L',
                    ClipPreTokenizer.CharClass.Number => 'N',
                    ClipPreTokenizer.CharClass.Other => 'O',
                    _ => 'S',
                };
                Assert.Equal(length, width);
                if (actual != runs[r].Class)
                {
                    mismatches.Add($"U+{c:X4} regex {runs[r].Class} .NET {actual}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} code points differ: {string.Join(", ", mismatches.Take(40))}");
    }
}
