namespace VectorImageSearch.Samples.Web.Services;

/// <summary>
/// The configured image folder, resolved once. The only place that turns a catalog key into a file to serve: a key is
/// served only when its full path lies under this folder and the file exists.
/// </summary>
internal sealed class ImageFolder
{
    private readonly string _prefix;

    public ImageFolder(string path)
    {
        FullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        _prefix = FullPath + Path.DirectorySeparatorChar;
    }

    /// <summary>The folder's full path.</summary>
    public string FullPath { get; }

    /// <summary>The folder's name, for display (the page never sees server paths).</summary>
    public string Name => Path.GetFileName(FullPath);

    /// <summary>The file <paramref name="key"/> names, when it is an existing file under the folder (links resolved); otherwise null.</summary>
    public FileInfo? TryGetFile(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(key))
        {
            return null;
        }
        var full = Path.GetFullPath(key);
        if (!full.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var file = new FileInfo(full);
        if (!file.Exists)
        {
            return null;
        }
        // A symbolic link inside the folder may point anywhere: follow it and check its target again.
        if (file.LinkTarget is not null)
        {
            var target = file.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists || !Path.GetFullPath(target.FullName).StartsWith(_prefix, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return file;
    }
}
