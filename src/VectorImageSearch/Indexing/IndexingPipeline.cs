using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace VectorImageSearch.Indexing;

/// <summary>
/// Decodes images on several threads while the model encodes the previous batch on another, and hands each encoded
/// batch to a commit callback. Bad images are collected as failures and the run goes on; a model that fails on the
/// first batch stops the run with one <see cref="ModelLoadException"/>. Cancellation stops the run
/// between batches: a batch is committed whole or not at all.
/// </summary>
internal sealed class IndexingPipeline
{
    private readonly IImageEncoder _encoder;
    private readonly int _batchSize;
    private readonly int _decodeParallelism;
    private readonly ILogger _logger;

    /// <summary>Creates a pipeline over <paramref name="encoder"/>.</summary>
    public IndexingPipeline(IImageEncoder encoder, int batchSize, int decodeParallelism, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(decodeParallelism, 1);
        _encoder = encoder;
        _batchSize = batchSize;
        _decodeParallelism = decodeParallelism;
        _logger = logger;
    }

    /// <summary>The outcome of <see cref="RunAsync"/>.</summary>
    public sealed record Result(int Encoded, int Unchanged, IReadOnlyList<IndexingFailure> Failures, IndexingTimings Timings);

    /// <summary>
    /// Encodes <paramref name="items"/> as they arrive (the first batch is encoded while the producer is still finding
    /// the rest); calls <paramref name="commit"/> for each encoded batch and <paramref name="touch"/> for each changed
    /// file whose content turned out to be the same.
    /// </summary>
    /// <param name="items">The images to encode.</param>
    /// <param name="tally">What the producer of <paramref name="items"/> looked at, counted in progress.</param>
    /// <param name="commit">Adds a batch to the index and catalog, atomically.</param>
    /// <param name="touch">Records new file facts for an image whose content hash did not change.</param>
    /// <param name="progress">Receives progress after every batch.</param>
    /// <param name="cancellationToken">Stops the run between batches.</param>
    public async Task<Result> RunAsync(
        IAsyncEnumerable<IndexingWorkItem> items,
        IndexingPlanTally tally,
        Func<IReadOnlyList<EncodedImage>, CancellationToken, Task> commit,
        Func<IndexingWorkItem, string, CancellationToken, Task> touch,
        IProgress<IndexingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var state = new RunState(tally, new StageClock(_decodeParallelism));
        Report(state, progress);

        var decoded = Channel.CreateBounded<PreparedImage>(new BoundedChannelOptions(_batchSize * 2)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producers = StartDecoders(items, decoded.Writer, state.Stages, stop.Token);
        var batch = new List<PreparedImage>(_batchSize);
        var pixels = new float[_batchSize * _encoder.PreprocessedLength];
        var embeddings = new float[_batchSize * _encoder.Dimension];
        try
        {
            while (await NextAsync(decoded.Reader, state.Stages, stop.Token).ConfigureAwait(false) is { } image)
            {
                if (image.Error is not null)
                {
                    state.Failures.Add(new IndexingFailure(image.Item.Key, image.Error));
                    continue;
                }
                if (image.Pixels is null)
                {
                    await touch(image.Item, image.ContentHash, stop.Token).ConfigureAwait(false);
                    state.Touched++;
                    continue;
                }
                batch.Add(image);
                if (batch.Count == _batchSize)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    await EncodeAndCommitAsync(batch, pixels, embeddings, commit, state, stop.Token).ConfigureAwait(false);
                    Report(state, progress);
                }
            }
            stop.Token.ThrowIfCancellationRequested();
            if (batch.Count > 0)
            {
                await EncodeAndCommitAsync(batch, pixels, embeddings, commit, state, stop.Token).ConfigureAwait(false);
            }
            await producers.ConfigureAwait(false);
            Report(state, progress);
            return state.ToResult();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producers.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            ReturnPixels(batch);
            while (decoded.Reader.TryRead(out var left))
            {
                ReturnPixels([left]);
            }
        }
    }

    /// <summary>The next decoded image, or <see langword="null"/> when the decoders are done; the wait counts as time not hidden by inference.</summary>
    private static async ValueTask<PreparedImage?> NextAsync(ChannelReader<PreparedImage> reader, StageClock stages, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            PreparedImage? image;
            while (!reader.TryRead(out image))
            {
                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
            return image;
        }
        finally
        {
            stages.AddWaiting(started);
        }
    }

    private Task StartDecoders(IAsyncEnumerable<IndexingWorkItem> items, ChannelWriter<PreparedImage> writer, StageClock stages, CancellationToken cancellationToken)
    {
        // One feeder takes the items as the producer yields them; the decoders share its bounded queue.
        var queue = Channel.CreateBounded<IndexingWorkItem>(new BoundedChannelOptions(_batchSize * 2) { SingleWriter = true });
        var feeder = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
                }
                queue.Writer.TryComplete();
            }
            catch (Exception e)
            {
                queue.Writer.TryComplete(e);
                throw;
            }
        }, cancellationToken);
        var workers = new Task[_decodeParallelism + 1];
        workers[^1] = feeder;
        for (var w = 0; w < _decodeParallelism; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                await foreach (var item in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var started = Stopwatch.GetTimestamp();
                    var image = Decode(item);
                    stages.AddDecode(started);
                    try
                    {
                        await writer.WriteAsync(image, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        ReturnPixels([image]);
                        throw;
                    }
                }
            }, cancellationToken);
        }
        return Task.WhenAll(workers).ContinueWith(
            t => writer.TryComplete(t.IsFaulted ? t.Exception!.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? t.Exception.GetBaseException() : null),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private PreparedImage Decode(IndexingWorkItem item)
    {
        float[]? pixels = null;
        byte[]? fileBuffer = null;
        try
        {
            var bytes = ReadBytes(item.Input, item.LastWriteUtc, out fileBuffer);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
            if (item.PreviousHash is not null && string.Equals(item.PreviousHash, hash, StringComparison.Ordinal))
            {
                return new PreparedImage(item, null, hash, bytes.Length, null);
            }
            pixels = ArrayPool<float>.Shared.Rent(_encoder.PreprocessedLength);
            _encoder.Preprocess(ImageInput.FromBytes(bytes, item.Key), pixels.AsSpan(0, _encoder.PreprocessedLength));
            return new PreparedImage(item, pixels, hash, bytes.Length, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (pixels is not null)
            {
                ArrayPool<float>.Shared.Return(pixels);
            }
            _logger.LogWarning("Skipping {Key}: {Reason}", item.Key, e.Message);
            return new PreparedImage(item, null, "", 0, e.Message);
        }
        finally
        {
            if (fileBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(fileBuffer);
            }
        }
    }

    /// <summary>
    /// The encoded bytes of <paramref name="input"/>. Files are read into a pooled buffer (returned by the caller through
    /// <paramref name="rented"/>): a folder of camera photos would otherwise allocate megabytes per image.
    /// </summary>
    /// <remarks>
    /// A file whose last write time is no longer <paramref name="plannedLastWrite"/> once read changed after it was
    /// planned (or while it was read): it fails, named, and the next run indexes it as it is then.
    /// </remarks>
    private static ReadOnlyMemory<byte> ReadBytes(ImageInput input, DateTime? plannedLastWrite, out byte[]? rented)
    {
        rented = null;
        if (input.FilePath is not { } path)
        {
            return input.ReadAllBytes();
        }
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            if (file.Length > Array.MaxLength)
            {
                throw new ImageDecodeException(input.Name, $"is too large to read ({file.Length} bytes)");
            }
            var length = (int)file.Length;
            rented = ArrayPool<byte>.Shared.Rent(length);
            file.ReadExactly(rented, 0, length);
            if (plannedLastWrite is { } planned && File.GetLastWriteTimeUtc(file.SafeFileHandle) is var now && now != planned)
            {
                throw new ImageDecodeException(input.Name, $"changed while it was being indexed (last written {now:O}, planned at {planned:O}); the next run indexes it");
            }
            return rented.AsMemory(0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(input.Name, $"cannot be read: {e.Message}", e);
        }
    }

    private async Task EncodeAndCommitAsync(List<PreparedImage> batch, float[] pixels, float[] embeddings, Func<IReadOnlyList<EncodedImage>, CancellationToken, Task> commit, RunState state, CancellationToken cancellationToken)
    {
        var length = _encoder.PreprocessedLength;
        var dimension = _encoder.Dimension;
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Pixels.AsSpan(0, length).CopyTo(pixels.AsSpan(i * length, length));
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            _encoder.EncodePreprocessed(pixels.AsSpan(0, batch.Count * length), batch.Count, embeddings.AsSpan(0, batch.Count * dimension));
        }
        catch (Exception e) when (state.Encoded == 0 && e is not OperationCanceledException)
        {
            // The model failed on the first batch of the run: it cannot run at all (a shape, type or runtime problem, not
            // the files'), so the run stops with one error instead of reporting every file as bad.
            var count = batch.Count;
            ReturnPixels(batch);
            batch.Clear();
            throw new ModelLoadException(_encoder.ModelFingerprint,
                $"the model failed on the first batch of {count} images, so indexing stopped (no file was at fault): {e.Message}", e);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The model failed on a batch of {Count} images", batch.Count);
            foreach (var image in batch)
            {
                state.Failures.Add(new IndexingFailure(image.Item.Key, $"the model failed on its batch: {e.Message}"));
            }
            ReturnPixels(batch);
            batch.Clear();
            return;
        }
        finally
        {
            state.Stages.AddInference(started);
        }
        var encoded = new EncodedImage[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            encoded[i] = new EncodedImage(batch[i].Item, batch[i].ContentHash, batch[i].SizeBytes, embeddings.AsSpan(i * dimension, dimension).ToArray());
        }
        ReturnPixels(batch);
        batch.Clear();
        started = Stopwatch.GetTimestamp();
        await commit(encoded, cancellationToken).ConfigureAwait(false);
        state.Stages.AddCommit(started);
        state.Encoded += encoded.Length;
    }

    private static void ReturnPixels(IEnumerable<PreparedImage> images)
    {
        foreach (var image in images)
        {
            if (image.Pixels is not null)
            {
                ArrayPool<float>.Shared.Return(image.Pixels);
            }
        }
    }

    private static void Report(RunState state, IProgress<IndexingProgress>? progress)
    {
        if (progress is null)
        {
            return;
        }
        var seconds = state.Clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? state.Encoded / seconds : 0;
        var done = state.Encoded + state.Unchanged + state.Failed;
        TimeSpan? remaining = rate > 0 ? TimeSpan.FromSeconds((state.Total - done) / rate) : null;
        progress.Report(new IndexingProgress(state.Total, done, state.Encoded, state.Unchanged, state.Failed, rate, remaining));
    }

    /// <summary>A work item after its decode worker: the model's input pixels and the file's hash and size, or why it failed.</summary>
    private sealed record PreparedImage(IndexingWorkItem Item, float[]? Pixels, string ContentHash, long SizeBytes, string? Error);

    private sealed class RunState(IndexingPlanTally tally, StageClock stages)
    {
        public int Total => tally.Planned;
        public int Encoded { get; set; }
        public int Touched { get; set; }
        public int Unchanged => tally.Unchanged + Touched;
        public int Failed => Failures.Count + tally.Failed;
        public List<IndexingFailure> Failures { get; } = [];
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public StageClock Stages { get; } = stages;
        public Result ToResult() => new(Encoded, Unchanged, Failures, Stages.ToTimings());
    }
}
