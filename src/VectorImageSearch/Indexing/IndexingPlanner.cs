using System.Runtime.CompilerServices;
using VectorImageSearch.Indexing.Scanning;

namespace VectorImageSearch.Indexing;

/// <summary>
/// Turns the files of an indexing run, as they are found, into work: each file is compared with what the store holds
/// (by size and last write time) and yielded only when it is new or changed. Paths that could not be read are kept as
/// failures. For a folder run the store's records of the folder are listed once up front and struck off as their files
/// are seen, so what is left at the end is what is gone from the disk.
/// </summary>
internal sealed class IndexingPlanner
{
    private readonly IImageRecordStore _store;
    private readonly Dictionary<string, ImageRecord>? _stored;
    private readonly HashSet<string>? _seen;
    private readonly List<IndexingFailure> _failures = [];
    private readonly List<string> _unreadableFolders = [];

    private IndexingPlanner(IImageRecordStore store, Dictionary<string, ImageRecord>? stored)
    {
        _store = store;
        _stored = stored;
        _seen = stored is null ? new HashSet<string>(StringComparer.Ordinal) : null;
    }

    /// <summary>Counts of what was planned, for progress.</summary>
    public IndexingPlanTally Tally { get; } = new();

    /// <summary>Paths that could not be planned: unreadable folders, files gone before they were looked at.</summary>
    public IReadOnlyList<IndexingFailure> Failures => _failures;

    /// <summary>A planner for files named one by one: each is looked up in the store.</summary>
    public static IndexingPlanner ForFiles(IImageRecordStore store) => new(store, null);

    /// <summary>A planner for the folder <paramref name="directory"/>: lists the store's records under it once.</summary>
    public static async Task<IndexingPlanner> ForFolderAsync(IImageRecordStore store, string directory, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(directory);
        var prefix = Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
        var stored = new Dictionary<string, ImageRecord>(StringComparer.Ordinal);
        await foreach (var record in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            stored[record.Key] = record;
        }
        return new IndexingPlanner(store, stored);
    }

    /// <summary>The new or changed files of <paramref name="entries"/>, as they arrive.</summary>
    public async IAsyncEnumerable<IndexingWorkItem> PlanAsync(IAsyncEnumerable<ScannedEntry> entries, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (file, failure) in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (failure is not null)
            {
                _failures.Add(failure);
                _unreadableFolders.Add(failure.Key);
                Tally.AddFailed();
                continue;
            }
            var key = file!.FullName;
            ImageRecord? entry;
            if (_stored is not null)
            {
                _stored.Remove(key, out entry);
            }
            else if (_seen!.Add(key))
            {
                entry = await _store.GetAsync(key, includeVector: false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                continue;
            }
            Tally.AddPlanned();
            file.Refresh();
            if (!file.Exists)
            {
                // Named but missing, or gone between the folder listing and now: reported; a folder run that no longer finds it removes its record.
                _failures.Add(new IndexingFailure(key, "the file does not exist"));
                Tally.AddFailed();
                continue;
            }
            var lastWrite = file.LastWriteTimeUtc;
            if (entry is not null && entry.SizeBytes == file.Length && entry.LastWriteUtc == lastWrite)
            {
                Tally.AddUnchanged();
                continue;
            }
            var metadata = entry?.Metadata ?? new Dictionary<string, string>();
            yield return new IndexingWorkItem(key, ImageInput.FromFile(key), metadata, lastWrite, entry?.ContentHash);
        }
    }

    /// <summary>
    /// After a folder run: the keys of the store's files under <paramref name="directory"/> that the run did not see,
    /// except those under a folder that could not be read (their files may well exist).
    /// </summary>
    public IReadOnlyList<string> Gone(string directory, bool recursive)
    {
        if (_stored is null)
        {
            return [];
        }
        var unreadable = _unreadableFolders.Select(f => Path.TrimEndingDirectorySeparator(f) + Path.DirectorySeparatorChar).ToList();
        return _stored.Values
            .Where(e => e.LastWriteUtc.HasValue
                && ImageFileScanner.IsUnder(e.Key, directory, recursive)
                && !unreadable.Any(folder => e.Key.StartsWith(folder, StringComparison.Ordinal)))
            .Select(e => e.Key)
            .ToList();
    }
}
