using System.Text.Json;
using System.Text.Json.Nodes;
using VectorImageSearch.Onnx.Text;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>Loading from vocab.json + merges.txt, from tokenizer.json, and refusing bad folders clearly.</summary>
public sealed class ClipTokenizerLoadingTests : IDisposable
{
    private readonly string _folder = TokenizerTestData.NewTempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tokenizer_json_gives_the_same_ids_as_vocab_and_merges(bool mergesAsPairs)
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), BuildTokenizerJson(mergesAsPairs));
        var fromJson = ClipTokenizer.FromFolder(_folder);
        AssertSameAsReference(fromJson);
    }

    [Fact]
    public void Sample_model_tokenizer_json_gives_the_same_ids()
    {
        var sample = Path.Combine(RepoPaths.ClipTinyShapes, "tokenizer.json");
        Assert.True(File.Exists(sample), $"{sample} is missing: run eng/tools/gen-clip-tokenizer-json.py");
        File.Copy(sample, Path.Combine(_folder, "tokenizer.json"));
        File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, "tokenizer_config.json"), Path.Combine(_folder, "tokenizer_config.json"));
        AssertSameAsReference(ClipTokenizer.FromFolder(_folder));
    }

    [Fact]
    public void Sample_model_folder_loads()
    {
        var tokenizer = ClipTokenizer.FromFolder(RepoPaths.ClipTinyShapes);
        Assert.Equal(new[] { 320, 736, 7117 }, tokenizer.Encode("a red circle"));
        Assert.Equal(77, tokenizer.ContextLength);
    }

    [Fact]
    public void Tokenizer_config_gives_the_context_length()
    {
        CopyVocabAndMerges();
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{ "model_max_length": 32, "bos_token": { "content": "<|startoftext|>" } }""");
        var tokenizer = ClipTokenizer.FromFolder(_folder);
        Assert.Equal(32, tokenizer.ContextLength);
        Assert.Equal(49406, tokenizer.StartTokenId);

        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{ "model_max_length": 1e30 }""");
        Assert.Equal(77, ClipTokenizer.FromFolder(_folder).ContextLength);
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        var missing = Path.Combine(_folder, "nope");
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(missing));
        Assert.Equal(missing, error.ModelPath);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Empty_folder_names_the_file_it_needs()
    {
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Equal(_folder, error.ModelPath);
        Assert.Contains("vocab.json", error.Message);
    }

    [Fact]
    public void Missing_merges_is_named()
    {
        File.Copy(Path.Combine(RepoPaths.ClipTokenizerFixture, "vocab.json"), Path.Combine(_folder, "vocab.json"));
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("merges.txt", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void Corrupt_vocabulary_is_named()
    {
        CopyVocabAndMerges();
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), "{\"a\": 1, \"b\": ");
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("vocab.json", error.Message);
        Assert.Contains("not valid JSON", error.Message);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Fact]
    public void Vocabulary_with_wrong_ids_is_refused()
    {
        CopyVocabAndMerges();
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), """{"a": "one"}""");
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("vocab.json", error.Message);
        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void Malformed_merge_line_is_named()
    {
        CopyVocabAndMerges();
        File.AppendAllText(Path.Combine(_folder, "merges.txt"), "\nonlyone\n");
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("merges.txt", error.Message);
        Assert.Contains("line 48897", error.Message);
        Assert.Contains("onlyone", error.Message);
    }

    [Fact]
    public void Merge_outside_the_vocabulary_is_refused()
    {
        CopyVocabAndMerges();
        File.AppendAllText(Path.Combine(_folder, "merges.txt"), "\nzzqq@@ xx@@\n");
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("zzqq@@ xx@@", error.Message);
        Assert.Contains("not in the vocabulary", error.Message);
    }

    [Fact]
    public void Vocabulary_without_special_tokens_is_refused()
    {
        CopyVocabAndMerges();
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "vocab.json")))!.AsObject();
        vocab.Remove("<|startoftext|>");
        File.WriteAllText(Path.Combine(_folder, "vocab.json"), vocab.ToJsonString());
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("<|startoftext|>", error.Message);
    }

    [Theory]
    [InlineData("{}", "'model'")]
    [InlineData("""{"model": {"type": "Unigram", "vocab": {}}}""", "Unigram")]
    [InlineData("""{"model": {"type": "BPE", "merges": []}}""", "model.vocab")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}}}""", "model.merges")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [42]}}""", "merge 1")]
    [InlineData("[1, 2", "not valid JSON")]
    public void BadTokenizerJsonIsNamed(string json, string expected)
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), json);
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("tokenizer.json", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Corrupt_tokenizer_config_is_named()
    {
        CopyVocabAndMerges();
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), "not json");
        var error = Assert.Throws<ModelLoadException>(() => ClipTokenizer.FromFolder(_folder));
        Assert.Contains("tokenizer_config.json", error.Message);
    }

    private void CopyVocabAndMerges()
    {
        foreach (var name in new[] { "vocab.json", "merges.txt" })
        {
            File.Copy(Path.Combine(RepoPaths.ClipTokenizerFixture, name), Path.Combine(_folder, name));
        }
    }

    private static void AssertSameAsReference(ClipTokenizer tokenizer)
    {
        var reference = TokenizerTestData.Tokenizer;
        Assert.Equal(reference.StartTokenId, tokenizer.StartTokenId);
        Assert.Equal(reference.EndTokenId, tokenizer.EndTokenId);
        Assert.Equal(reference.VocabularySize, tokenizer.VocabularySize);
        Assert.Equal(reference.MergeCount, tokenizer.MergeCount);
        var texts = TokenizerTestData.ReadRows(Path.Combine(RepoPaths.ClipTokenizerFixture, "tokenizer_public.jsonl"))
            .Concat(TokenizerTestData.ReadRows(TokenizerTestData.PythonExpectations))
            .Select(row => (string)row[0]);
        foreach (var text in texts)
        {
            Assert.Equal(reference.Encode(text), tokenizer.Encode(text));
            Assert.Equal(reference.EncodeContext(text), tokenizer.EncodeContext(text));
        }
    }

    /// <summary>A minimal Hugging Face tokenizer.json: model.vocab without the special tokens (they come from added_tokens).</summary>
    private static string BuildTokenizerJson(bool mergesAsPairs)
    {
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.ClipTokenizerFixture, "vocab.json")))!.AsObject();
        vocab.Remove("<|startoftext|>");
        vocab.Remove("<|endoftext|>");
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.ClipTokenizerFixture, "merges.txt")).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ');
            merges.Add(mergesAsPairs ? new JsonArray(parts[0], parts[1]) : JsonValue.Create(line));
        }

        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                new JsonObject { ["id"] = 49406, ["content"] = "<|startoftext|>", ["special"] = true },
                new JsonObject { ["id"] = 49407, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["unk_token"] = "<|endoftext|>",
                ["end_of_word_suffix"] = "</w>",
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
        return root.ToJsonString();
    }
}
