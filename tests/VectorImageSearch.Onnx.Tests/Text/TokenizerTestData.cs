using System.Text.Json;
using VectorImageSearch.Onnx.Text;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Text;

/// <summary>The tokenizer under test (loaded once) and the expectation files.</summary>
internal static class TokenizerTestData
{
    private static readonly Lazy<ClipTokenizer> Reference = new(() => ClipTokenizer.FromFolder(RepoPaths.ClipTokenizerFixture));

    /// <summary>The tokenizer of tests/fixtures/clip-tokenizer.</summary>
    public static ClipTokenizer Tokenizer => Reference.Value;

    /// <summary>Python-made expectations beyond the public fixture (eng/tools/gen-clip-tokenizer-expectations.py).</summary>
    public static string PythonExpectations => Path.Combine(RepoPaths.Root, "tests", "VectorImageSearch.Onnx.Tests", "Text", "clip_tokenizer_python.jsonl");

    /// <summary>The regex module's class of every code point under CLIP's pattern.</summary>
    public static string PatternClasses => Path.Combine(RepoPaths.Root, "tests", "VectorImageSearch.Onnx.Tests", "Text", "clip_pattern_classes.txt");

    /// <summary>Python's ids for every code point, 256 a text, as counts and SHA-256 prefixes.</summary>
    public static string CodePointChunks => Path.Combine(RepoPaths.Root, "tests", "VectorImageSearch.Onnx.Tests", "Text", "clip_codepoint_chunks.txt");

    /// <summary>Code points the regex module takes as letters or numbers while .NET does not know them yet (newer Unicode).</summary>
    public static HashSet<int> NewerUnicodeLettersAndNumbers()
    {
        var runs = File.ReadLines(PatternClasses)
            .Where(line => !line.StartsWith('#'))
            .Select(line => (Start: Convert.ToInt32(line[..line.IndexOf(' ')], 16), Class: line[^1]))
            .ToArray();
        var result = new HashSet<int>();
        for (var r = 0; r < runs.Length; r++)
        {
            if (runs[r].Class is not ('L' or 'N'))
            {
                continue;
            }

            var end = r + 1 < runs.Length ? runs[r + 1].Start : 0x110000;
            for (var c = runs[r].Start; c < end; c++)
            {
                if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.OtherNotAssigned)
                {
                    result.Add(c);
                }
            }
        }

        return result;
    }

    /// <summary>Rows of a JSONL file with text, ids and context77 (lines without "text" are skipped).</summary>
    public static TheoryData<string, int[], long[]> ReadRows(string path)
    {
        var data = new TheoryData<string, int[], long[]>();
        foreach (var line in File.ReadLines(path))
        {
            using var row = JsonDocument.Parse(line);
            if (!row.RootElement.TryGetProperty("text", out var text))
            {
                continue;
            }

            data.Add(
                text.GetString()!,
                row.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                row.RootElement.GetProperty("context77").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        }

        return data;
    }

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "vis-tokenizer-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
