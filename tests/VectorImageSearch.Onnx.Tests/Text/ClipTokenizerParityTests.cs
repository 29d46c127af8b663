using System.Security.Cryptography;
using System.Text;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>The tokenizer reproduces the reference ids: the public fixture and more Python-made expectations.</summary>
public sealed class ClipTokenizerParityTests
{
    /// <summary>Every row of tokenizer_public.jsonl, one case per text.</summary>
    public static TheoryData<string, int[], long[]> PublicRows =>
        TokenizerTestData.ReadRows(Path.Combine(RepoPaths.ClipTokenizerFixture, "tokenizer_public.jsonl"));

    /// <summary>Texts whose expectations Python made with the reference algorithm.</summary>
    public static TheoryData<string, int[], long[]> PythonRows => TokenizerTestData.ReadRows(TokenizerTestData.PythonExpectations);

    [Fact]
    public void Public_fixture_has_all_rows()
    {
        Assert.Equal(72, PublicRows.Count);
        Assert.True(PythonRows.Count >= 300);
    }

    [Theory]
    [MemberData(nameof(PublicRows))]
    public void Public_fixture_row_is_reproduced(string text, int[] ids, long[] context77)
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        Assert.Equal(ids, tokenizer.Encode(text));
        Assert.Equal(context77, tokenizer.EncodeContext(text));
    }

    [Theory]
    [MemberData(nameof(PythonRows))]
    public void Python_expectation_is_reproduced(string text, int[] ids, long[] context77)
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        Assert.Equal(ids, tokenizer.Encode(text));
        Assert.Equal(context77, tokenizer.EncodeContext(text));
    }

    [Theory]
    [MemberData(nameof(PublicRows))]
    public void Span_overload_writes_the_same_context_and_counts_real_tokens(string text, int[] ids, long[] context77)
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        Span<long> destination = stackalloc long[77];
        destination.Fill(-1);
        var real = tokenizer.EncodeContext(text, destination);
        Assert.Equal(context77, destination.ToArray());
        Assert.Equal(Math.Min(ids.Length + 2, 77), real);
        Assert.Equal(tokenizer.EndTokenId, destination[real - 1]);
    }

    [Fact]
    public void Every_code_point_tokenizes_as_in_Python()
    {
        // Chunks holding a code point that only the regex module's newer Unicode knows as a letter or number are
        // skipped (about 16 of 4,352): there .NET 10 (Unicode 16) sees an unassigned, "other" character. One more chunk
        // differs by Unicode version the other way: Nag Mundari (U+1E4D0.., Unicode 15) is unknown to Python 3.11's
        // Unicode 14, so Python's NFC leaves its combining marks in place where ICU's NFC reorders them.
        var skew = new HashSet<int> { 0x1E400 };
        var newer = TokenizerTestData.NewerUnicodeLettersAndNumbers();
        var tokenizer = TokenizerTestData.Tokenizer;
        var builder = new StringBuilder();
        var compared = 0;
        var mismatches = new List<string>();
        foreach (var line in File.ReadLines(TokenizerTestData.CodePointChunks).Where(line => !line.StartsWith('#')))
        {
            var parts = line.Split(' ');
            var start = Convert.ToInt32(parts[0], 16);
            if (skew.Contains(start) || Enumerable.Range(start, 256).Any(newer.Contains))
            {
                continue;
            }

            builder.Clear();
            for (var c = start; c < start + 256; c++)
            {
                if (c is < 0xD800 or > 0xDFFF)
                {
                    builder.Append(char.ConvertFromUtf32(c));
                }
            }

            var ids = tokenizer.Encode(builder.ToString());
            var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(',', ids))))[..16];
            compared++;
            if (ids.Length != int.Parse(parts[1]) || digest != parts[2])
            {
                mismatches.Add($"U+{start:X4}..U+{start + 255:X4}: {ids.Length} ids, Python {parts[1]}");
            }
        }

        Assert.True(compared > 4300, $"only {compared} chunks compared");
        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches.Take(20)));
    }

    [Fact]
    public void Exposes_CLIP_special_tokens_and_context_length()
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        Assert.Equal(49406, tokenizer.StartTokenId);
        Assert.Equal(49407, tokenizer.EndTokenId);
        Assert.Equal(77, tokenizer.ContextLength);
        Assert.Equal(49408, tokenizer.VocabularySize);
        Assert.Equal(48894, tokenizer.MergeCount);
    }

    [Fact]
    public void Long_text_is_cut_with_the_end_token_last()
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        var text = string.Join(' ', Enumerable.Range(0, 100).Select(i => "dog"));
        var ids = tokenizer.Encode(text);
        Assert.Equal(100, ids.Length);
        Assert.All(ids, id => Assert.Equal(1929, id));

        var context = tokenizer.EncodeContext(text);
        Assert.Equal(77, context.Length);
        Assert.Equal(49406, context[0]);
        Assert.All(context[1..76], id => Assert.Equal(1929L, id));
        Assert.Equal(49407, context[76]);

        Span<long> destination = stackalloc long[77];
        Assert.Equal(77, tokenizer.EncodeContext(text, destination));
        Assert.Equal(context, destination.ToArray());
    }

    [Theory]
    [InlineData(1, new long[] { 49407 })]
    [InlineData(2, new long[] { 49406, 49407 })]
    [InlineData(3, new long[] { 49406, 320, 49407 })]
    [InlineData(8, new long[] { 49406, 320, 1125, 539, 320, 1929, 49407, 0 })]
    public void ContextLengthFollowsTheReferenceCut(int contextLength, long[] expected)
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        Assert.Equal(expected, tokenizer.EncodeContext("a photo of a dog", contextLength));
        var destination = new long[contextLength];
        Assert.Equal(Math.Min(7, contextLength), tokenizer.EncodeContext("a photo of a dog", destination));
        Assert.Equal(expected, destination);
    }

    [Fact]
    public void Invalid_context_length_is_rejected()
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodeContext("x", 0));
        Assert.Throws<ArgumentException>(() => tokenizer.EncodeContext("x", Span<long>.Empty));
        Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!));
    }

    [Fact]
    public void Empty_and_blank_text_give_only_start_and_end()
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        foreach (var text in new[] { "", " ", "\t\n\r", "\u3000\u00a0", "\u001c\u001f" })
        {
            Assert.Empty(tokenizer.Encode(text));
            var context = tokenizer.EncodeContext(text);
            Assert.Equal(49406, context[0]);
            Assert.Equal(49407, context[1]);
            Assert.All(context[2..], id => Assert.Equal(0L, id));
        }
    }
}
