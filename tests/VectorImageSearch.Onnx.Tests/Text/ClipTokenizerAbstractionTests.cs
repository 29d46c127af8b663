using System.Buffers;
using Microsoft.ML.Tokenizers;
using VectorImageSearch.Onnx.Text;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>
/// ClipTokenizer used through Microsoft.ML.Tokenizers' <see cref="Tokenizer"/>: the same exact ids, tokens with offsets
/// into the caller's text, counts, limits and decoding, checked against the public and Python-made fixtures.
/// </summary>
public sealed class ClipTokenizerAbstractionTests(ITestOutputHelper output)
{
    // Used only through the abstraction.
    private static Tokenizer Tokenizer => TokenizerTestData.Tokenizer;

    public static TheoryData<string, int[], long[]> AllRows()
    {
        var rows = new TheoryData<string, int[], long[]>();
        foreach (var file in new[] { Path.Combine(RepoPaths.ClipTokenizerFixture, "tokenizer_public.jsonl"), TokenizerTestData.PythonExpectations })
        {
            foreach (var row in TokenizerTestData.ReadRows(file))
            {
                rows.Add((string)row[0], (int[])row[1], (long[])row[2]);
            }
        }

        return rows;
    }

    [Fact]
    public void Every_fixture_row_is_exact_through_the_abstraction()
    {
        var rows = AllRows();
        Assert.True(rows.Count >= 372);
        foreach (var row in rows)
        {
            var (text, ids) = ((string)row[0], (int[])row[1]);
            Assert.Equal(ids, Tokenizer.EncodeToIds(text));
            Assert.Equal(ids, Tokenizer.EncodeToIds(text.AsSpan()));
            Assert.Equal(ids, Tokenizer.EncodeToTokens(text, out _).Select(t => t.Id));
            Assert.Equal(ids.Length, Tokenizer.CountTokens(text));
        }
    }

    [Fact]
    public void Offsets_point_into_the_text_as_given()
    {
        const string text = "  A Photo of\tTom &amp; Jerry!! ";
        var tokens = Tokenizer.EncodeToTokens(text, out var normalized);
        Assert.Equal("a photo of tom & jerry!!", normalized);
        var pieces = tokens.Select(t => (t.Value, text[t.Offset])).ToArray();
        output.WriteLine(string.Join(" | ", pieces));
        Assert.Equal(
            [("a</w>", "A"), ("photo</w>", "Photo"), ("of</w>", "of"), ("tom</w>", "Tom"), ("&</w>", "&amp;"), ("jerry</w>", "Jerry"), ("!!</w>", "!!")],
            pieces);
    }

    [Fact]
    public void Tokens_of_one_word_tile_it_and_split_characters_are_covered_whole()
    {
        // "unbelievability" is several tokens; "日本" and the emoji are split inside their UTF-8 bytes.
        const string text = "Unbelievability 日本 🦄x";
        var tokens = Tokenizer.EncodeToTokens(text, out _);
        output.WriteLine(string.Join(" | ", tokens.Select(t => $"{t.Value} {t.Offset} '{text[t.Offset]}'")));
        var word = tokens.TakeWhile(t => t.Offset.End.Value <= 15).ToArray();
        Assert.True(word.Length > 1);
        Assert.Equal(0, word[0].Offset.Start.Value);
        for (var i = 1; i < word.Length; i++)
        {
            Assert.Equal(word[i - 1].Offset.End, word[i].Offset.Start); // contiguous, no gaps or overlaps inside ASCII
        }

        Assert.Equal(15, word[^1].Offset.End.Value);
        foreach (var token in tokens.Skip(word.Length))
        {
            var slice = text[token.Offset];
            Assert.False(slice.Length == 0);
            Assert.False(char.IsLowSurrogate(slice[0]) || char.IsHighSurrogate(slice[^1]), $"{token.Value} cuts a surrogate pair: {token.Offset}");
        }

        Assert.Equal("🦄", text[tokens.First(t => text[t.Offset].Contains("🦄", StringComparison.Ordinal)).Offset]);
    }

    [Fact]
    public void Every_fixture_token_covers_text_that_cleans_to_its_word()
    {
        var checkedTokens = 0;
        foreach (var row in AllRows())
        {
            var text = (string)row[0];
            var tokens = Tokenizer.EncodeToTokens(text, out _);
            var previousStart = 0;
            var wordStart = -1;
            var wordIds = new List<int>();
            foreach (var token in tokens)
            {
                var (start, end) = (token.Offset.Start.Value, token.Offset.End.Value);
                Assert.InRange(start, previousStart, text.Length);
                Assert.InRange(end, start + 1, text.Length);
                previousStart = start;
                wordStart = wordStart < 0 ? start : wordStart;
                wordIds.Add(token.Id);
                if (token.Value.EndsWith("</w>", StringComparison.Ordinal) || token.Id >= 49406)
                {
                    // A word's tokens, decoded, are part of what the covered text cleans to.
                    // The slice is cleaned between two letters: stripping and final sigma depend on context it lacks alone.
                    var word = Tokenizer.Decode(wordIds).Replace('ς', 'σ');
                    var cleaned = ClipTextNormalizer.Normalize("x" + text[wordStart..end] + "x").Replace('ς', 'σ');
                    Assert.True(cleaned.Contains(word, StringComparison.Ordinal) || word.Contains('\uFFFD'), $"'{text}': word '{word}' from '{text[wordStart..end]}' (cleans to '{cleaned}')");
                    (wordStart, checkedTokens) = (-1, checkedTokens + wordIds.Count);
                    wordIds.Clear();
                }
            }
        }

        output.WriteLine($"{checkedTokens} tokens checked");
        Assert.True(checkedTokens > 2000);
    }

    [Fact]
    public void Decode_round_trips_every_fixture_row()
    {
        var failures = new List<string>();
        foreach (var row in AllRows())
        {
            var ids = (int[])row[1];
            var decoded = Tokenizer.Decode(ids);
            if (!ids.SequenceEqual(Tokenizer.EncodeToIds(decoded)))
            {
                failures.Add($"'{row[0]}' → '{decoded}'");
            }
        }

        output.WriteLine(string.Join("\n", failures));
        Assert.Empty(failures);
        Assert.Equal("a photo of a dog", Tokenizer.Decode([320, 1125, 539, 320, 1929]));
        Assert.Equal("<|startoftext|>a photo <|endoftext|>", Tokenizer.Decode([49406, 320, 1125, 49407]));
    }

    [Fact]
    public void Decode_into_a_short_buffer_writes_the_ids_that_fit()
    {
        int[] ids = [320, 1125, 539, 320, 1929]; // "a photo of a dog"
        var buffer = new char[10];
        Assert.Equal(OperationStatus.DestinationTooSmall, Tokenizer.Decode(ids, buffer, out var used, out var written));
        Assert.Equal("a photo of", new string(buffer, 0, written));
        Assert.Equal(3, used);

        buffer = new char[16];
        Assert.Equal(OperationStatus.Done, Tokenizer.Decode(ids, buffer, out used, out written));
        Assert.Equal((5, 16), (used, written));
    }

    [Fact]
    public void Unknown_id_is_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([320, 60000]));
        Assert.Contains("60000", error.Message);
    }

    [Fact]
    public void Token_limit_cuts_and_says_how_much_text_was_used()
    {
        const string text = "A photo of a DOG on the beach";
        var ids = Tokenizer.EncodeToIds(text, maxTokenCount: 3, out var normalized, out var consumed);
        Assert.Equal(Tokenizer.EncodeToIds(text).Take(3), ids);
        Assert.Equal("a photo of a dog on the beach", normalized);
        Assert.Equal("A photo of".Length, consumed);
        Assert.Equal(Tokenizer.EncodeToIds(text), Tokenizer.EncodeToIds(text, maxTokenCount: 100, out _, out consumed));
        Assert.Equal(text.Length, consumed);

        var index = Tokenizer.GetIndexByTokenCount(text, 2, out _, out var count);
        Assert.Equal((2, "A photo".Length), (count, index));
    }

    [Fact]
    public void Settings_turn_cleaning_and_word_splitting_off()
    {
        // Without cleaning the capitals stay (and BPE sees them as they are); without splitting it is one word.
        var raw = Tokenizer.EncodeToTokens("Dog", out var normalized, considerNormalization: false);
        Assert.Null(normalized);
        Assert.NotEqual(Tokenizer.EncodeToIds("dog"), raw.Select(t => t.Id));
        Assert.Equal(Tokenizer.EncodeToIds("dog"), Tokenizer.EncodeToIds("dog", considerNormalization: false));

        var oneWord = Tokenizer.EncodeToIds("a dog", considerPreTokenization: false);
        Assert.NotEqual(Tokenizer.EncodeToIds("a dog"), oneWord);
        var tokens = Tokenizer.EncodeToTokens("a dog", out _, considerPreTokenization: false);
        Assert.Equal((0, 5), (tokens[0].Offset.Start.Value, tokens[^1].Offset.End.Value));
    }

    [Fact]
    public void Immich_textual_folder_with_tokenizer_json_loads_as_a_tokenizer()
    {
        var folder = TokenizerTestData.NewTempFolder();
        try
        {
            var textual = Path.Combine(folder, "textual");
            Directory.CreateDirectory(textual);
            File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, "tokenizer.json"), Path.Combine(textual, "tokenizer.json"));
            Tokenizer fromJson = ClipTokenizer.FromFolder(textual);
            foreach (var text in new[] { "a red circle on a blue background", "Tom &amp; Jerry", "日本 🦄" })
            {
                Assert.Equal(Tokenizer.EncodeToIds(text), fromJson.EncodeToIds(text));
                Assert.Equal(Tokenizer.Decode(Tokenizer.EncodeToIds(text)), fromJson.Decode(fromJson.EncodeToIds(text)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
