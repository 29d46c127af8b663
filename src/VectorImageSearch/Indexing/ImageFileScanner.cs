namespace VectorImageSearch.Indexing;

/// <summary>Lists the image files of a folder by extension, in a stable order.</summary>
internal static class ImageFileScanner
{
    /// <summary>The files under <paramref name="directory"/> whose extension is in <paramref name="extensions"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<FileInfo> Scan(string directory, bool recursive, IReadOnlyCollection<string> extensions)
    {
        var root = new DirectoryInfo(directory);
        if (!root.Exists)
        {
            throw new DirectoryNotFoundException($"The folder to index, '{directory}', does not exist.");
        }
        var wanted = new HashSet<string>(extensions.Select(Normalise), StringComparer.OrdinalIgnoreCase);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = recursive,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        return root.EnumerateFiles("*", options)
            .Where(f => wanted.Contains(f.Extension))
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Whether <paramref name="path"/> lies in <paramref name="directory"/> (directly, or below it when recursive).</summary>
    public static bool IsUnder(string path, string directory, bool recursive)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        if (!path.StartsWith(folder, StringComparison.Ordinal))
        {
            return false;
        }
        return recursive || path.IndexOf(Path.DirectorySeparatorChar, folder.Length) < 0;
    }

    private static string Normalise(string extension) => extension.StartsWith('.') ? extension : "." + extension;
}
