using Microsoft.Extensions.Logging;
using VectorImageSearch.Catalog;
using VectorImageSearch.Indexing;

namespace VectorImageSearch;

/// <summary>Indexing runs: planning, committing batches, removing images.</summary>
public sealed partial class ImageSearchEngine
{
    private async Task<IndexingReport> IndexAsync(IReadOnlyList<FileInfo> files, string? directory, IProgress<IndexingProgress>? progress, CancellationToken cancellationToken)
    {
        EnsureLoaded();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (work, unchanged, removed, missing) = Plan(files, directory);
            var pipeline = new IndexingPipeline(_imageEncoder, _options.BatchSize, _options.DecodeParallelism, _logger);
            _logger.LogInformation("Indexing {New} new or changed images ({Unchanged} unchanged, {Removed} removed)", work.Count, unchanged, removed);
            IndexingPipeline.Result result;
            try
            {
                result = await pipeline.RunAsync(work, unchanged, batch => Commit(batch), Touch, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Reorganise();
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

    /// <summary>Splits files into work, unchanged ones and, for a folder run, removes the catalog's files that are gone.</summary>
    private (List<IndexingWorkItem> Work, int Unchanged, int Removed, List<IndexingFailure> Missing) Plan(IReadOnlyList<FileInfo> files, string? directory)
    {
        var work = new List<IndexingWorkItem>();
        var missing = new List<IndexingFailure>();
        var unchanged = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _lock.EnterWriteLock();
        try
        {
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
                string? previousHash = null;
                if (_catalog.TryGetByKey(key, out var entry))
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
                var gone = _catalog.Entries
                    .Where(e => e.LastWriteUtc.HasValue && !seen.Contains(e.Key)
                        && ImageFileScanner.IsUnder(e.Key, directory, _options.IncludeSubdirectories))
                    .Select(e => e.Key)
                    .ToList();
                removed = RemoveKeys(gone);
            }
            return (work, unchanged, removed, missing);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds a batch to the index and the catalog under the write lock; replaces images with the same key.</summary>
    private long[] Commit(IReadOnlyList<EncodedImage> batch)
    {
        var dimension = Dimension;
        var vectors = new float[batch.Count * dimension];
        var ids = new long[batch.Count];
        _lock.EnterWriteLock();
        try
        {
            RemoveKeys(batch.Select(b => b.Item.Key).Where(k => _catalog.TryGetByKey(k, out _)).ToList());
            for (var i = 0; i < batch.Count; i++)
            {
                ids[i] = _catalog.AllocateId();
                batch[i].Embedding.CopyTo(vectors.AsSpan(i * dimension, dimension));
            }
            _vectors.Add(vectors, ids);
            for (var i = 0; i < batch.Count; i++)
            {
                var image = batch[i];
                _catalog.Put(new CatalogEntry(ids[i], image.Item.Key, image.SizeBytes, image.Item.LastWriteUtc, image.ContentHash,
                    new Dictionary<string, string>(image.Item.Metadata, StringComparer.Ordinal)));
            }
            return ids;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Touch(IndexingWorkItem item, string hash)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_catalog.TryGetByKey(item.Key, out var entry) && entry.ContentHash == hash)
            {
                var size = new FileInfo(item.Key) is { Exists: true } info ? info.Length : entry.SizeBytes;
                _catalog.Put(entry with { LastWriteUtc = item.LastWriteUtc, SizeBytes = size });
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes keys from the catalog and the index; the caller holds the write lock.</summary>
    private int RemoveKeys(IReadOnlyCollection<string> keys)
    {
        var ids = new List<long>(keys.Count);
        foreach (var key in keys)
        {
            if (_catalog.Remove(key) is { } entry)
            {
                ids.Add(entry.Id);
            }
        }
        if (ids.Count > 0)
        {
            _vectors.Remove(ids.ToArray());
        }
        return ids.Count;
    }

    private void Reorganise()
    {
        _lock.EnterWriteLock();
        try
        {
            _vectors.Reorganise(_catalog.Entries.Select(e => e.Id).ToList());
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
