using System.Text.Json;

namespace VectorImageSearch.Onnx.Text;

/// <summary>What a tokenizer folder holds, read from vocab.json + merges.txt or tokenizer.json, and tokenizer_config.json.</summary>
internal sealed record ClipTokenizerFiles(
    Dictionary<string, int> Vocabulary,
    List<(string Left, string Right)> Merges,
    string EndOfWordSuffix,
    string StartToken,
    string EndToken,
    string UnknownToken,
    int ContextLength)
{
    /// <summary>The default context length of CLIP's text tower.</summary>
    public const int DefaultContextLength = 77;

    /// <summary>Reads a tokenizer folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>What it holds.</returns>
    /// <exception cref="ModelLoadException">The folder or a file is missing or corrupt.</exception>
    public static ClipTokenizerFiles Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new ModelLoadException(folder, "the tokenizer folder does not exist");
        }

        var vocabPath = Path.Combine(folder, "vocab.json");
        var mergesPath = Path.Combine(folder, "merges.txt");
        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        var (startToken, endToken, unknownToken, contextLength) = ReadConfig(folder);

        Dictionary<string, int> vocabulary;
        List<(string, string)> merges;
        var suffix = "</w>";
        if (File.Exists(vocabPath) || File.Exists(mergesPath) || !File.Exists(tokenizerPath))
        {
            vocabulary = ReadVocabulary(folder, vocabPath);
            merges = ReadMerges(folder, mergesPath);
        }
        else
        {
            (vocabulary, merges, suffix, var unk) = ReadTokenizerJson(folder, tokenizerPath);
            unknownToken = unk ?? unknownToken;
        }

        foreach (var (role, token) in new[] { ("start", startToken), ("end", endToken), ("unknown", unknownToken) })
        {
            if (!vocabulary.ContainsKey(token))
            {
                throw new ModelLoadException(folder, $"the {role} token '{token}' is not in the vocabulary");
            }
        }

        return new ClipTokenizerFiles(vocabulary, merges, suffix, startToken, endToken, unknownToken, contextLength);
    }

    private static Dictionary<string, int> ReadVocabulary(string folder, string path)
    {
        var document = ParseJson(folder, path, "vocab.json (token → id) or tokenizer.json");
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(folder, $"'{path}' is not a JSON object of token → id");
            }

            return ReadVocabularyObject(folder, path, document.RootElement);
        }
    }

    private static Dictionary<string, int> ReadVocabularyObject(string folder, string path, JsonElement element)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new ModelLoadException(folder, $"'{path}': the id of token '{property.Name}' is not a non-negative integer");
            }

            vocabulary[property.Name] = id;
        }

        if (vocabulary.Count == 0)
        {
            throw new ModelLoadException(folder, $"'{path}': the vocabulary is empty");
        }

        return vocabulary;
    }

    private static List<(string, string)> ReadMerges(string folder, string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(folder, $"'{path}' is missing (a CLIP tokenizer needs vocab.json + merges.txt, or tokenizer.json)");
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(folder, $"'{path}' cannot be read: {e.Message}", e);
        }

        var merges = new List<(string, string)>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            var space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new ModelLoadException(folder, $"'{path}' line {i + 1} is not a merge 'left right': '{Shorten(line)}'");
            }

            merges.Add((line[..space], line[(space + 1)..]));
        }

        return merges;
    }

    private static (Dictionary<string, int>, List<(string, string)>, string, string?) ReadTokenizerJson(string folder, string path)
    {
        using var document = ParseJson(folder, path, "tokenizer.json");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(folder, $"'{path}' has no 'model' object");
        }

        if (model.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "BPE")
        {
            throw new ModelLoadException(folder, $"'{path}': model type '{type.GetString()}' is not BPE");
        }

        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(folder, $"'{path}' has no 'model.vocab' object");
        }

        var vocabulary = ReadVocabularyObject(folder, path, vocabElement);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.ValueKind == JsonValueKind.Object && token.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                    && token.TryGetProperty("id", out var idElement) && idElement.TryGetInt32(out var id))
                {
                    vocabulary.TryAdd(content.GetString()!, id);
                }
            }
        }

        if (!model.TryGetProperty("merges", out var mergesElement) || mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new ModelLoadException(folder, $"'{path}' has no 'model.merges' array");
        }

        var merges = new List<(string, string)>(mergesElement.GetArrayLength());
        var index = 0;
        foreach (var merge in mergesElement.EnumerateArray())
        {
            index++;
            if (merge.ValueKind == JsonValueKind.String)
            {
                var text = merge.GetString()!;
                var space = text.IndexOf(' ');
                if (space > 0 && space < text.Length - 1 && text.IndexOf(' ', space + 1) < 0)
                {
                    merges.Add((text[..space], text[(space + 1)..]));
                    continue;
                }
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
                continue;
            }

            throw new ModelLoadException(folder, $"'{path}': merge {index} is neither \"left right\" nor [left, right]: {Shorten(merge.GetRawText())}");
        }

        var suffix = model.TryGetProperty("end_of_word_suffix", out var suffixElement) && suffixElement.ValueKind == JsonValueKind.String
            ? suffixElement.GetString()!
            : "</w>";
        var unknown = model.TryGetProperty("unk_token", out var unkElement) && unkElement.ValueKind == JsonValueKind.String
            ? unkElement.GetString()
            : null;
        return (vocabulary, merges, suffix, unknown);
    }

    private static (string Start, string End, string Unknown, int ContextLength) ReadConfig(string folder)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        const string start = "<|startoftext|>", end = "<|endoftext|>";
        if (!File.Exists(path))
        {
            return (start, end, end, DefaultContextLength);
        }

        using var document = ParseJson(folder, path, "tokenizer_config.json");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException(folder, $"'{path}' is not a JSON object");
        }

        var contextLength = DefaultContextLength;
        if (root.TryGetProperty("model_max_length", out var max) && max.ValueKind == JsonValueKind.Number
            && max.TryGetDouble(out var value) && value >= 2 && value <= 1_000_000 && value == Math.Floor(value))
        {
            // Hugging Face writes a huge number (1e30) for "no limit"; only a real length is taken.
            contextLength = (int)value;
        }

        return (TokenText(root, "bos_token") ?? start, TokenText(root, "eos_token") ?? end, TokenText(root, "unk_token") ?? end, contextLength);
    }

    /// <summary>A special token written either as a string or as an object with "content".</summary>
    private static string? TokenText(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            return null;
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Object when element.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => null,
        };
    }

    private static JsonDocument ParseJson(string folder, string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(folder, $"'{path}' is missing (expected {what})");
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ModelLoadException(folder, $"'{path}' is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(folder, $"'{path}' cannot be read: {e.Message}", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
