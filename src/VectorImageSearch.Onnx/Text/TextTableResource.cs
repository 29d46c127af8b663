using System.Globalization;
using System.Text;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// Reads the generated tables embedded in this assembly (Text/Tables/*.txt, written by
/// eng/tools/gen-clip-text-tables.py): one row per line, fields separated by one space, numbers in hexadecimal, lines
/// starting with '#' ignored. The callers keep what they read in static fields of a nested holder class, so each table
/// is read once, on first use, under the runtime's type-initialisation lock.
/// </summary>
internal static class TextTableResource
{
    private const string Prefix = "VectorImageSearch.Onnx.Text.Tables.";

    /// <summary>
    /// Reads a table of rows of two hexadecimal numbers (pairs or inclusive ranges) into one flat array:
    /// first, second, first, second…
    /// </summary>
    /// <param name="name">The table's file name, e.g. <c>python-lowercase.txt</c>.</param>
    public static int[] ReadPairs(string name)
    {
        var values = new List<int>();
        foreach (var (line, fields) in ReadRows(name))
        {
            if (fields.Length != 2)
            {
                throw Malformed(name, line, "expected two hexadecimal numbers");
            }

            values.Add(ParseHex(name, line, fields[0]));
            values.Add(ParseHex(name, line, fields[1]));
        }

        return [.. values];
    }

    /// <summary>Reads the named-reference table: a name, then the code points of its replacement.</summary>
    /// <param name="name">The table's file name.</param>
    public static KeyValuePair<string, string>[] ReadNamedText(string name)
    {
        var entries = new List<KeyValuePair<string, string>>();
        var text = new StringBuilder();
        foreach (var (line, fields) in ReadRows(name))
        {
            if (fields.Length < 2)
            {
                throw Malformed(name, line, "expected a name and at least one code point");
            }

            text.Clear();
            for (var i = 1; i < fields.Length; i++)
            {
                var codePoint = ParseHex(name, line, fields[i]);
                if (!Rune.IsValid(codePoint))
                {
                    throw Malformed(name, line, $"'{fields[i]}' is not a Unicode scalar value");
                }

                text.Append(new Rune(codePoint).ToString());
            }

            entries.Add(new(fields[0], text.ToString()));
        }

        return [.. entries];
    }

    private static IEnumerable<(int Line, string[] Fields)> ReadRows(string name)
    {
        using var stream = typeof(TextTableResource).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException(
                $"The embedded table '{Prefix + name}' is missing from {typeof(TextTableResource).Assembly.GetName().Name}; the assembly is incomplete.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            yield return (number, line.Split(' '));
        }
    }

    private static int ParseHex(string name, int line, string field) =>
        int.TryParse(field, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw Malformed(name, line, $"'{field}' is not a hexadecimal number");

    private static InvalidDataException Malformed(string name, int line, string problem) =>
        new($"The embedded table '{name}', line {line}: {problem}.");
}
