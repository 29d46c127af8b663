namespace VectorImageSearch.Indexing.Scanning;

/// <summary>How a folder is walked for images.</summary>
/// <param name="Recursive">Whether to descend into subfolders.</param>
/// <param name="FollowSymbolicLinks">Whether to descend into folders reached through symbolic links (each folder is still visited once).</param>
/// <param name="Extensions">The file extensions to take, with or without the dot, compared case-insensitively.</param>
internal sealed record FolderScanOptions(bool Recursive, bool FollowSymbolicLinks, IReadOnlyCollection<string> Extensions);
