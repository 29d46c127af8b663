using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VectorImageSearch.Indexing.Scanning;

/// <summary>
/// Walks a folder for image files on a background thread and streams what it finds, so the caller gets its first file
/// (and can cancel) long before a large tree has been listed. Each folder is visited once, identified by device and
/// inode, so symbolic-link loops and bind mounts end; folders reached through symbolic links are entered only when the
/// options say so. A folder that cannot be read, or that vanishes during the walk, is reported and skipped.
/// </summary>
/// <remarks>Order: depth first, the entries of each folder in ordinal order of their names.</remarks>
internal static class FolderWalker
{
    private const int BufferedEntries = 1024;

    /// <summary>The image files and unreadable paths under <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (thrown on the first move).</exception>
    public static async IAsyncEnumerable<ScannedEntry> WalkAsync(string directory, FolderScanOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder to index, '{directory}', does not exist.");
        }
        var channel = Channel.CreateBounded<ScannedEntry>(new BoundedChannelOptions(BufferedEntries)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var walk = Task.Run(() => Walk(root, options, channel.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var entry in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // ReadAllAsync hands out buffered entries without looking at the token.
                cancellationToken.ThrowIfCancellationRequested();
                yield return entry;
            }
            await walk.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await walk.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task Walk(string root, FolderScanOptions options, ChannelWriter<ScannedEntry> writer, CancellationToken cancellationToken)
    {
        try
        {
            var wanted = new HashSet<string>(options.Extensions.Select(e => e.StartsWith('.') ? e : "." + e), StringComparer.OrdinalIgnoreCase);
            var visited = new HashSet<string>(StringComparer.Ordinal);
            // One frame per open folder: its entries in name order and the next to look at.
            var open = new Stack<(List<FileSystemInfo> Entries, int Next)>();
            if (TryEnter(root, visited, out var rootFailure, out var rootEntries))
            {
                open.Push((rootEntries, 0));
            }
            else if (rootFailure is not null)
            {
                await writer.WriteAsync(new ScannedEntry(null, rootFailure), cancellationToken).ConfigureAwait(false);
            }
            while (open.TryPop(out var frame))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (frame.Next == frame.Entries.Count)
                {
                    continue;
                }
                var entry = frame.Entries[frame.Next];
                open.Push((frame.Entries, frame.Next + 1));
                if (entry is FileInfo file)
                {
                    if (wanted.Contains(file.Extension))
                    {
                        await writer.WriteAsync(new ScannedEntry(file, null), cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (options.Recursive && (options.FollowSymbolicLinks || entry.LinkTarget is null))
                {
                    if (TryEnter(entry.FullName, visited, out var failure, out var entries))
                    {
                        open.Push((entries, 0));
                    }
                    else if (failure is not null)
                    {
                        await writer.WriteAsync(new ScannedEntry(null, failure), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            writer.TryComplete();
        }
        catch (Exception error)
        {
            writer.TryComplete(error);
            throw;
        }
    }

    private static bool TryEnter(string folder, HashSet<string> visited, out IndexingFailure? failure, out List<FileSystemInfo> entries)
    {
        entries = [];
        failure = null;
        try
        {
            if (!visited.Add(FileSystemIdentity.Of(folder)))
            {
                return false;
            }
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = false,
                IgnoreInaccessible = false,
                AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            };
            entries = [.. new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options)];
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            failure = new IndexingFailure(folder, $"the folder cannot be read: {error.Message}");
            return false;
        }
    }
}
