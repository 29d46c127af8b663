using System.Security.Cryptography;
using System.Text;
using VectorImageSearch.Onnx.Text;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>
/// The whole domain of the generated Python tables (Text/Tables/*.txt), compared with Python itself: every code point
/// lowercased in the contexts of the final-sigma rule, and every HTML5 named reference and every numeric reference
/// unescaped. The expected SHA-256 digests are Python 3.11.7's output for the same probe texts, printed by
/// <c>python3 eng/tools/gen-clip-text-tables.py --digests</c>; a table that lost, gained or changed one entry changes
/// the digest.
/// </summary>
public sealed class PythonTextTablesTests
{
    private const string PythonLowerDigest = "ea59a88e01d71ded7cc0154b09bea14b61584effec56b852aacd8455c484690e";
    private const string PythonUnescapeDigest = "ca116dd93059f5c43e2e624543b45aba2c33c12da8b168d7a7a44d19569d7f76";

    [Fact]
    public void Every_code_point_lowercases_as_in_Python_also_around_a_final_sigma()
    {
        // For each code point c: "cΣ" (is c cased?), "AcΣ" (is c case-ignorable?), "AΣc" (does c end the word?).
        var probe = new StringBuilder(12_300_000);
        Span<char> c = stackalloc char[2];
        for (var code = 0; code < 0x110000; code++)
        {
            if (code is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var ch = c[..new Rune(code).EncodeToUtf16(c)];
            probe.Append(ch).Append("\u03A3\nA").Append(ch).Append("\u03A3\nA\u03A3").Append(ch).Append('\n');
        }

        Assert.Equal(PythonLowerDigest, Sha256(PythonLowercase.ToLower(probe.ToString())));
    }

    [Fact]
    public void Every_named_and_numeric_reference_unescapes_as_in_Python()
    {
        // Each name alone and with a suffix (the longest-prefix rule), then every number up to U+110000, decimal with
        // ';' and hexadecimal without.
        var probe = new StringBuilder(20_100_000);
        foreach (var name in PythonHtml.EntityNames.Order(StringComparer.Ordinal))
        {
            probe.Append('&').Append(name).Append("\n&").Append(name).Append("x;\n");
        }

        for (var code = 0; code <= 0x110000; code++)
        {
            probe.Append("&#").Append(code).Append(";&#x").Append(code.ToString("x")).Append('\n');
        }

        Assert.Equal(PythonUnescapeDigest, Sha256(PythonHtml.Unescape(probe.ToString())));
    }

    [Fact]
    public void The_entity_table_holds_all_of_Python_html5()
    {
        // html.entities.html5 has 2,231 names (Python 3.11), 106 of them also valid without ';'.
        Assert.Equal(2231, PythonHtml.EntityNames.Count);
        Assert.Equal(106, PythonHtml.EntityNames.Count(n => !n.EndsWith(';')));
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
