using System.Text.Json;

namespace VectorImageSearch.Postgres.Internal;

/// <summary>Metadata as a jsonb object of strings.</summary>
internal static class MetadataJson
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(0);

    public static string Serialize(IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.Count == 0)
        {
            return "{}";
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in metadata)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyDictionary<string, string> Deserialize(string json)
    {
        if (json == "{}")
        {
            return Empty;
        }
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Stored metadata is not a JSON object: {root.ValueKind}.");
        }
        Dictionary<string, string>? result = null;
        foreach (var property in root.EnumerateObject())
        {
            result ??= new Dictionary<string, string>(StringComparer.Ordinal);
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
        return result ?? Empty;
    }
}
