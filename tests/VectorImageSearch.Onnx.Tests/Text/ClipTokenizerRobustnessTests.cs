using System.Text;
using VectorImageSearch.Onnx.Text;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>No string makes the tokenizer throw, and it behaves the same from many threads.</summary>
public sealed class ClipTokenizerRobustnessTests
{
    [Fact]
    public void Random_strings_never_throw_and_give_valid_ids()
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        var random = new Random(12345);
        for (var n = 0; n < 2000; n++)
        {
            var text = RandomText(random, random.Next(0, 60));
            var ids = tokenizer.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 0, 49407));
            var context = tokenizer.EncodeContext(text);
            Assert.Equal(77, context.Length);
            Assert.Equal(49406, context[0]);
            var kept = Math.Min(ids.Length, 75);
            Assert.Equal(ids.Take(kept).Select(i => (long)i), context.Skip(1).Take(kept));
            Assert.Equal(49407, context[kept + 1]);
        }
    }

    [Theory]
    [InlineData("\uFFFE")]
    [InlineData("a\uFFFEe\u0301\uFFFF")]
    [InlineData("\uFDD0")]
    [InlineData("\U0010FFFF")]
    [InlineData("\U000E0001")]
    [InlineData("\0")]
    public void Noncharacters_and_controls_are_tokens(string text)
    {
        // Every code point is compared with Python in ClipTokenizerParityTests; these are the ones .NET's own
        // normalizer would refuse or that are easy to lose.
        var ids = TokenizerTestData.Tokenizer.Encode(text);
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 0, 49405));
    }

    [Theory]
    [InlineData("\uD800")]
    [InlineData("\uDC00 lone low")]
    [InlineData("a\uD83Db")]
    [InlineData("\uDE00\uD83D reversed pair")]
    public void Lone_surrogates_become_the_replacement_character(string text)
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        var expected = tokenizer.Encode(ReplaceLoneSurrogates(text));
        Assert.Equal(expected, tokenizer.Encode(text));
        Assert.Contains(tokenizer.Encode("\uFFFD")[0], expected);
    }

    [Fact]
    public void Replacement_character_has_its_byte_tokens()
    {
        // U+FFFD is the bytes EF BF BD: "ï¿½</w>" merges to the CLIP tokens of those byte symbols.
        var ids = TokenizerTestData.Tokenizer.Encode("\uFFFD");
        Assert.NotEmpty(ids);
        Assert.Equal(ids, TokenizerTestData.Tokenizer.Encode("\uD800"));
    }

    [Fact]
    public void Huge_strings_are_tokenized_completely()
    {
        var tokenizer = TokenizerTestData.Tokenizer;

        // One 200,000-letter "word": the merge loop stays O(n log n), and every byte is in exactly one token.
        var word = new string('a', 200_000);
        var ids = tokenizer.Encode(word);
        Assert.True(ids.Length < 200_000 / 2);
        Assert.Equal(200_000, ids.Sum(TokenByteLength));

        // 150,000 words: the context variant stops early and gives what a text of 90 tokens gives.
        var sentence = string.Concat(Enumerable.Repeat("a red circle ", 50_000));
        Assert.Equal(tokenizer.EncodeContext(string.Concat(Enumerable.Repeat("a red circle ", 30))), tokenizer.EncodeContext(sentence));
        Assert.Equal(150_000, tokenizer.Encode(sentence).Length);
    }

    [Fact]
    public void Concurrent_callers_get_identical_results()
    {
        var fresh = ClipTokenizer.FromFolder(VectorImageSearch.Tests.Shared.RepoPaths.ClipTokenizerFixture);
        var reference = TokenizerTestData.Tokenizer;
        var random = new Random(7);
        var texts = Enumerable.Range(0, 400).Select(_ => RandomText(random, random.Next(1, 40)))
            .Concat(TokenizerTestData.ReadRows(TokenizerTestData.PythonExpectations).Select(row => (string)row[0]))
            .ToArray();
        var expected = texts.Select(reference.Encode).ToArray();
        var expectedContexts = texts.Select(text => reference.EncodeContext(text)).ToArray();

        var failures = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, worker =>
        {
            Span<long> context = stackalloc long[77];
            for (var round = 0; round < 3; round++)
            {
                for (var k = 0; k < texts.Length; k++)
                {
                    var i = (k * 7 + worker * 31 + round) % texts.Length;
                    if (!fresh.Encode(texts[i]).AsSpan().SequenceEqual(expected[i]))
                    {
                        Interlocked.Increment(ref failures);
                    }

                    fresh.EncodeContext(texts[i], context);
                    if (!context.SequenceEqual(expectedContexts[i]))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        });

        Assert.Equal(0, failures);
        Assert.True(fresh.CachedWordCount > 100);
    }

    [Fact]
    public void Cache_stays_within_its_capacity()
    {
        var small = ClipTokenizer.FromFolder(VectorImageSearch.Tests.Shared.RepoPaths.ClipTokenizerFixture, cacheCapacity: 10);
        var none = ClipTokenizer.FromFolder(VectorImageSearch.Tests.Shared.RepoPaths.ClipTokenizerFixture, cacheCapacity: 0);
        var reference = TokenizerTestData.Tokenizer;
        var text = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"word{(char)('a' + (i % 26))}{(char)('a' + (i / 26))}"));
        var expected = reference.Encode(text);
        Assert.Equal(expected, small.Encode(text));
        Assert.Equal(expected, none.Encode(text));
        Assert.Equal(expected, small.Encode(text));
        Assert.Equal(10, small.CachedWordCount);
        Assert.Equal(0, none.CachedWordCount);
    }

    [Fact]
    public void Cached_and_uncached_words_agree()
    {
        var tokenizer = TokenizerTestData.Tokenizer;
        foreach (var word in new[] { "pneumonoultramicroscopicsilicovolcanoconiosis", "hello", "zürich", "🐶", "'s" })
        {
            var first = tokenizer.Encode(word);
            var second = tokenizer.Encode(word);
            Assert.Equal(first, second);
            Assert.Equal(first, tokenizer.EncodeWordUncached(word));
        }
    }

    private static int TokenByteLength(int id) => TokenLengths.Value[id];

    private static readonly Lazy<Dictionary<int, int>> TokenLengths = new(() =>
    {
        using var stream = File.OpenRead(Path.Combine(VectorImageSearch.Tests.Shared.RepoPaths.ClipTokenizerFixture, "vocab.json"));
        using var document = System.Text.Json.JsonDocument.Parse(stream);
        var lengths = new Dictionary<int, int>();
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var name = entry.Name.EndsWith("</w>", StringComparison.Ordinal) ? entry.Name[..^4] : entry.Name;
            lengths[entry.Value.GetInt32()] = name.Length; // one byte-level symbol per UTF-8 byte
        }

        return lengths;
    });

    private static string ReplaceLoneSurrogates(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(8))
            {
                case 0: builder.Append((char)random.Next(0, 0x80)); break;
                case 1: builder.Append((char)random.Next(0, 0x10000)); break; // includes lone surrogates
                case 2: builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000))); break;
                case 3: builder.Append(new[] { "&amp;", "&#", "&#x", "&", ";", "&lt", "&#1234567;", "Σ", "İ", "'s", "'", "<|endoftext|>" }[random.Next(12)]); break;
                case 4: builder.Append(' ', random.Next(1, 4)); break;
                case 5: builder.Append((char)random.Next(0x0300, 0x0370)); break; // combining marks
                default: builder.Append((char)random.Next('a', 'z' + 1)); break;
            }
        }

        return builder.ToString();
    }
}
