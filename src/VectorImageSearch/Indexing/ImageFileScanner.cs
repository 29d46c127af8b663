namespace VectorImageSearch.Indexing;

/// <summary>Folder boundaries of indexed paths (the folder walk itself is <see cref="Scanning.FolderWalker"/>).</summary>
internal static class ImageFileScanner
{
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
}
