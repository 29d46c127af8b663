using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VectorImageSearch.Samples.Web.Services;

/// <summary>
/// Runs the indexing of the image folder, one run at a time, and tells every watcher how it goes. A finished or
/// cancelled run is saved to the index path.
/// </summary>
internal sealed class IndexingCoordinator : IDisposable
{
    private readonly IImageSearch _search;
    private readonly WebPaths _paths;
    private readonly ILogger<IndexingCoordinator> _logger;
    private readonly Lock _gate = new();
    private readonly List<Channel<IndexingStatus>> _watchers = [];
    private IndexingStatus _status = IndexingStatus.Idle;
    private CancellationTokenSource? _cancel;
    private Task _run = Task.CompletedTask;

    public IndexingCoordinator(IImageSearch search, WebPaths paths, ILogger<IndexingCoordinator> logger)
    {
        _search = search;
        _paths = paths;
        _logger = logger;
    }

    /// <summary>The latest status.</summary>
    public IndexingStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>The current run's task (completed when none runs); for shutdown and tests.</summary>
    public Task Completion
    {
        get
        {
            lock (_gate)
            {
                return _run;
            }
        }
    }

    /// <summary>Starts a run unless one is going on.</summary>
    /// <returns>Whether a run was started; the status either way.</returns>
    public (bool Started, IndexingStatus Status) TryStart()
    {
        lock (_gate)
        {
            if (_status.State == IndexingState.Running)
            {
                return (false, _status);
            }
            _cancel?.Dispose();
            _cancel = new CancellationTokenSource();
            var run = _status.Run + 1;
            Publish(IndexingStatus.Idle with { State = IndexingState.Running, Run = run, Message = $"Indexing {_paths.Images.Name} …" });
            var token = _cancel.Token;
            _run = Task.Run(() => RunAsync(run, token), CancellationToken.None);
            return (true, _status);
        }
    }

    /// <summary>Asks the running run to stop after its current batch.</summary>
    /// <returns>Whether a run was going on.</returns>
    public bool TryCancel()
    {
        lock (_gate)
        {
            if (_status.State != IndexingState.Running || _cancel is null)
            {
                return false;
            }
            _cancel.Cancel();
            return true;
        }
    }

    /// <summary>The current status, then every change, until <paramref name="cancellationToken"/> ends the watch.</summary>
    public async IAsyncEnumerable<IndexingStatus> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Latest-wins: a slow watcher skips intermediate progress, never the final state.
        var channel = Channel.CreateBounded<IndexingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            channel.Writer.TryWrite(_status);
            _watchers.Add(channel);
        }
        try
        {
            await foreach (var status in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return status;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _cancel?.Cancel();
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }
        try
        {
            _run.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The run reported its own failure.
        }
        _cancel?.Dispose();
    }

    private async Task RunAsync(int run, CancellationToken cancellationToken)
    {
        var progress = new SynchronousProgress(p => Update(s => s.Run != run || s.State != IndexingState.Running ? s : s with
        {
            Total = p.Total,
            Done = p.Done,
            Encoded = p.Encoded,
            Unchanged = p.Unchanged,
            Failed = p.Failed,
            ImagesPerSecond = Math.Round(p.ImagesPerSecond, 1),
            Message = $"Indexed {p.Done} of {p.Total} images.",
        }));
        try
        {
            var report = await _search.IndexDirectoryAsync(_paths.Images.FullPath, progress, cancellationToken).ConfigureAwait(false);
            await _search.SaveAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            var total = report.Encoded + report.Unchanged + report.Failures.Count;
            Update(s => s with
            {
                State = IndexingState.Completed,
                Total = total,
                Done = total,
                Encoded = report.Encoded,
                Unchanged = report.Unchanged,
                Failed = report.Failures.Count,
                Removed = report.Removed,
                Message = $"Indexed {total} images in {report.Elapsed.TotalSeconds:F1} s: {report.Encoded} encoded, {report.Unchanged} unchanged, " +
                          $"{report.Removed} removed, {report.Failures.Count} failed. The index holds {_search.Count} images.",
            });
            foreach (var (key, reason) in report.Failures)
            {
                _logger.LogWarning("Not indexed: {Key}: {Reason}", key, reason);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await SaveQuietlyAsync().ConfigureAwait(false);
            Update(s => s with { State = IndexingState.Cancelled, Message = $"Cancelled after {s.Done} of {s.Total} images; the index holds {_search.Count} images." });
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Indexing {Folder} failed", _paths.Images.FullPath);
            Update(s => s with { State = IndexingState.Failed, Message = $"Indexing failed: {e.Message}" });
        }
    }

    private async Task SaveQuietlyAsync()
    {
        try
        {
            await _search.SaveAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _logger.LogError(e, "Saving the index after a cancelled run failed");
        }
    }

    private void Update(Func<IndexingStatus, IndexingStatus> change)
    {
        lock (_gate)
        {
            Publish(change(_status));
        }
    }

    // Called under _gate.
    private void Publish(IndexingStatus status)
    {
        _status = status;
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite(status);
        }
    }

    /// <summary>Reports on the reporting thread, in order (Progress&lt;T&gt; posts to the thread pool and may reorder).</summary>
    private sealed class SynchronousProgress(Action<IndexingProgress> report) : IProgress<IndexingProgress>
    {
        public void Report(IndexingProgress value) => report(value);
    }
}
