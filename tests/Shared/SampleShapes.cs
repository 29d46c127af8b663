namespace VectorImageSearch.Tests.Shared;

/// <summary>The bundled shape images (samples/images/shapes/images) in name order, and copies of them for a test's own folder.</summary>
internal static class SampleShapes
{
    private static readonly Lazy<string[]> FilesValue = new(() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images")).Order(StringComparer.Ordinal).ToArray());

    /// <summary>Every shape image, in ordinal name order.</summary>
    public static IReadOnlyList<string> Files => FilesValue.Value;

    /// <summary>Copies the first <paramref name="count"/> images into <paramref name="folder"/> (created) and returns it.</summary>
    public static string CopyFirst(int count, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Files.Take(count))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}
