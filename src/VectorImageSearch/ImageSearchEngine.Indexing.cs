using Microsoft.Extensions.Logging;
using VectorImageSearch.Faiss;
using VectorImageSearch.Indexing;
using VectorImageSearch.Indexing.Scanning;

namespace VectorImageSearch;

/// <summary>Indexing runs: streaming files through the planner into the pipeline, committing batches, removing images.</summary>
internal sealed partial class ImageSearchEngine
{
    private async Task<IndexingReport> IndexAsync(IAsyncEnumerable<ScannedEntry> entries, string? directory, IProgress<IndexingProgress>? progress, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var planner = directory is null
                ? IndexingPlanner.ForFiles(_store)
                : await IndexingPlanner.ForFolderAsync(_store, directory, cancellationToken).ConfigureAwait(false);
            var pipeline = new IndexingPipeline(_imageEncoder, _options.BatchSize, _options.DecodeParallelism, _logger);
            _logger.LogInformation("Indexing {Source}", directory ?? "a list of files");
            IndexingPipeline.Result result;
            try
            {
                result = await pipeline.RunAsync(planner.PlanAsync(entries, cancellationToken), planner.Tally, CommitAsync, TouchAsync, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (_store is FaissImageStore faiss)
                {
                    var tuning = faiss.IndexBudget is null ? ReadOnlyMemory<float>.Empty : await TuningQueriesAsync(CancellationToken.None).ConfigureAwait(false);
                    await faiss.ReorganiseAsync(tuning, CancellationToken.None).ConfigureAwait(false);
                }
            }
            // Removals come last, once the whole folder has been seen.
            var removed = 0;
            if (directory is not null && planner.Gone(directory, _options.IncludeSubdirectories) is { Count: > 0 } gone)
            {
                removed = await _store.DeleteAsync(gone, cancellationToken).ConfigureAwait(false);
            }
            var failures = planner.Failures.Concat(result.Failures).ToList();
            var report = new IndexingReport(result.Encoded, result.Unchanged, removed, failures, started.Elapsed, result.Timings);
            _logger.LogInformation("Indexed {Encoded} images in {Seconds:F1} s ({Rate:F1}/s); {Unchanged} unchanged, {Removed} removed, {Failed} failed; {Timings}",
                report.Encoded, report.Elapsed.TotalSeconds, report.ImagesPerSecond, report.Unchanged, report.Removed, failures.Count, report.TimingsSummary);
            return report;
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>
    /// The queries a budgeted FAISS index is tuned on: the text embeddings of <see cref="ImageSearchOptions.IndexTuningTexts"/>
    /// (or the default texts) when the model embeds text; empty for image-only models, whose store then holds back images.
    /// </summary>
    private async Task<ReadOnlyMemory<float>> TuningQueriesAsync(CancellationToken cancellationToken)
    {
        if (_textEncoder is null)
        {
            return ReadOnlyMemory<float>.Empty;
        }
        var texts = _options.IndexTuningTexts is { Count: > 0 } given ? given.ToList() : [.. ImageSearchOptions.DefaultTuningTexts];
        var embeddings = await _textEncoder.EncodeBatchAsync(texts, cancellationToken).ConfigureAwait(false);
        var queries = new float[embeddings.Length * _schema.Dimension];
        for (var i = 0; i < embeddings.Length; i++)
        {
            var row = queries.AsSpan(i * _schema.Dimension, _schema.Dimension);
            embeddings[i].CopyTo(row);
            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (norm > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
            }
        }
        return queries;
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
