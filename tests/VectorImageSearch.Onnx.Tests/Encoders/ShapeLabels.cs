using System.Text.Json;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>One rendered shape of samples/images/shapes (a row of labels.jsonl).</summary>
internal sealed record ShapeLabel(string Path, string Shape, string Colour, string Background, string Size)
{
    /// <summary>All 720 labelled images, in file order.</summary>
    public static IReadOnlyList<ShapeLabel> All { get; } = Load();

    /// <summary>The first large image of a colour and shape (the first of any size when there is no large one).</summary>
    public static ShapeLabel First(string colour, string shape) =>
        All.FirstOrDefault(l => l.Colour == colour && l.Shape == shape && l.Size == "large")
        ?? All.First(l => l.Colour == colour && l.Shape == shape);

    public ImageInput Input => ImageInput.FromFile(Path);

    private static List<ShapeLabel> Load()
    {
        var result = new List<ShapeLabel>();
        foreach (var line in File.ReadLines(System.IO.Path.Combine(RepoPaths.Shapes, "labels.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var row = JsonDocument.Parse(line);
            var root = row.RootElement;
            result.Add(new ShapeLabel(
                System.IO.Path.Combine(RepoPaths.Shapes, root.GetProperty("file").GetString()!),
                root.GetProperty("shape").GetString()!,
                root.GetProperty("colour").GetString()!,
                root.GetProperty("background").GetString()!,
                root.GetProperty("size").GetString()!));
        }
        return result;
    }
}
