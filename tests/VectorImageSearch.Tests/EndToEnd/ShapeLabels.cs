using System.Text.Json;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>One rendered shape's labels from samples/images/shapes/labels.jsonl.</summary>
internal sealed record ShapeLabel(string Path, string Shape, string Colour)
{
    /// <summary>Every labelled image, with full paths.</summary>
    public static IReadOnlyList<ShapeLabel> All { get; } = Load();

    private static List<ShapeLabel> Load()
    {
        var labels = new List<ShapeLabel>();
        foreach (var line in File.ReadLines(System.IO.Path.Combine(RepoPaths.Shapes, "labels.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            labels.Add(new ShapeLabel(
                System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoPaths.Shapes, root.GetProperty("file").GetString()!)),
                root.GetProperty("shape").GetString()!,
                root.GetProperty("colour").GetString()!));
        }
        return labels;
    }
}
