using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss.Indexes;

/// <summary>
/// Replaces a file atomically: writes a temporary file in the same folder, flushes it to disk (fsync), renames it over the
/// target and flushes the folder. A failure at any step deletes the temporary file and leaves the previous file as it was.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="writeTemporary"/>, which must create the file it is given.</summary>
    /// <param name="path">The file to replace or create.</param>
    /// <param name="writeTemporary">Writes the complete content to the temporary path it receives.</param>
    /// <param name="beforeCommit">Runs after the temporary file is on disk and before the rename (tests inject failures here).</param>
    public static void Write(string path, Action<string> writeTemporary, Action<string>? beforeCommit = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': the folder '{directory}' does not exist.");
        }
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTemporary(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }
            beforeCommit?.Invoke(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        LibC.FsyncDirectory(directory);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
