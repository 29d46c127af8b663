using Microsoft.Extensions.Logging;
using VectorImageSearch.Faiss;
using VectorImageSearch.Indexing;

namespace VectorImageSearch;

/// <summary>Indexing runs: planning against what the store holds, committing batches, removing images.</summary>
public sealed partial class ImageSearchEngine
{
    private async Task<IndexingReport> IndexAsync(IReadOnlyList<FileInfo> files, string? directory, IProgress<IndexingProgress>? progress, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (work, unchanged, removed, missing) = await PlanAsync(files, directory, cancellationToken).ConfigureAwait(false);
            var pipeline = new IndexingPipeline(_imageEncoder, _options.BatchSize, _options.DecodeParallelism, _logger);
            _logger.LogInformation("Indexing {New} new or changed images ({Unchanged} unchanged, {Removed} removed)", work.Count, unchanged, removed);
            IndexingPipeline.Result result;
            try
            {
                result = await pipeline.RunAsync(work, unchanged, CommitAsync, TouchAsync, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (_store is FaissImageStore faiss)
                {
                    await faiss.ReorganiseAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            var failures = missing.Concat(result.Failures).ToList();
            var report = new IndexingReport(result.Encoded, result.Unchanged, removed, failures, started.Elapsed, result.Timings);
            _logger.LogInformation("Indexed {Encoded} images in {Seconds:F1} s ({Rate:F1}/s); {Unchanged} unchanged, {Removed} removed, {Failed} failed; {Timings}",
                report.Encoded, report.Elapsed.TotalSeconds, report.ImagesPerSecond, report.Unchanged, report.Removed, failures.Count, report.Timings);
            return report;
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>
    /// Splits files into work and unchanged ones by what the store holds and, for a folder run, deletes the store's
    /// files of that folder that are gone from the disk.
    /// </summary>
    private async Task<(List<IndexingWorkItem> Work, int Unchanged, int Removed, List<IndexingFailure> Missing)> PlanAsync(
        IReadOnlyList<FileInfo> files, string? directory, CancellationToken cancellationToken)
    {
        var work = new List<IndexingWorkItem>();
        var missing = new List<IndexingFailure>();
        var unchanged = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, ImageRecord>? stored = null;
        if (directory is not null)
        {
            // One listing of the folder's records instead of a lookup per file.
            var full = Path.GetFullPath(directory);
            var prefix = Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
            stored = new Dictionary<string, ImageRecord>(StringComparer.Ordinal);
            await foreach (var record in _store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                stored[record.Key] = record;
            }
        }
        foreach (var file in files)
        {
            var key = file.FullName;
            if (!seen.Add(key))
            {
                continue;
            }
            file.Refresh();
            if (!file.Exists)
            {
                missing.Add(new IndexingFailure(key, "the file does not exist"));
                continue;
            }
            var lastWrite = file.LastWriteTimeUtc;
            var entry = stored is not null
                ? stored.GetValueOrDefault(key)
                : await _store.GetAsync(key, includeVector: false, cancellationToken).ConfigureAwait(false);
            string? previousHash = null;
            if (entry is not null)
            {
                if (entry.SizeBytes == file.Length && entry.LastWriteUtc == lastWrite)
                {
                    unchanged++;
                    continue;
                }
                previousHash = entry.ContentHash;
            }
            var metadata = entry?.Metadata ?? new Dictionary<string, string>();
            work.Add(new IndexingWorkItem(key, ImageInput.FromFile(key), metadata, lastWrite, previousHash));
        }
        var removed = 0;
        if (directory is not null)
        {
            var gone = stored!.Values
                .Where(e => e.LastWriteUtc.HasValue && !seen.Contains(e.Key)
                    && ImageFileScanner.IsUnder(e.Key, directory, _options.IncludeSubdirectories))
                .Select(e => e.Key)
                .ToList();
            if (gone.Count > 0)
            {
                removed = await _store.DeleteAsync(gone, cancellationToken).ConfigureAwait(false);
            }
        }
        return (work, unchanged, removed, missing);
    }

    /// <summary>Upserts a batch into the store as one atomic batch; images with the same key are replaced.</summary>
    private Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<EncodedImage> batch, CancellationToken cancellationToken)
    {
        var records = new ImageRecord[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var image = batch[i];
            records[i] = new ImageRecord
            {
                Key = image.Item.Key,
                Vector = image.Embedding,
                ContentHash = image.ContentHash,
                SizeBytes = image.SizeBytes,
                LastWriteUtc = image.Item.LastWriteUtc,
                Metadata = image.Item.Metadata,
            };
        }
        return _store.UpsertAsync(records, cancellationToken);
    }

    /// <summary>Records the new file facts of an image whose content did not change (its vector stays as stored).</summary>
    private async Task TouchAsync(IndexingWorkItem item, string hash, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(item.Key, includeVector: true, cancellationToken).ConfigureAwait(false);
        if (record is not null && record.ContentHash == hash)
        {
            var size = new FileInfo(item.Key) is { Exists: true } info ? info.Length : record.SizeBytes;
            await _store.UpsertAsync([record with { LastWriteUtc = item.LastWriteUtc, SizeBytes = size }], cancellationToken).ConfigureAwait(false);
        }
    }
}
