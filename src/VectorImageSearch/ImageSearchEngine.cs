using System.Numerics.Tensors;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Catalog;
using VectorImageSearch.Indexes;
using VectorImageSearch.Indexing;
using VectorImageSearch.Persistence;

namespace VectorImageSearch;

/// <summary>
/// The image search: an image encoder (and, for CLIP, a text encoder), a vector index and a catalog, kept consistent
/// under one lock. Indexing commits batch by batch under the write lock; searches share the read lock, so they run in
/// parallel with each other and between the batches of an indexing run.
/// </summary>
public sealed class ImageSearchEngine : IImageSearch
{
    private readonly IImageEncoder _imageEncoder;
    private readonly ITextEncoder? _textEncoder;
    private readonly IVectorIndexBackend _backend;
    private readonly ImageSearchOptions _options;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _writers = new(1, 1);
    private VectorIndexHolder _vectors;
    private ImageCatalog _catalog = new();
    private bool _loadAttempted;
    private bool _disposed;

    /// <summary>Creates an engine over encoders you built yourself, with FAISS indexes.</summary>
    /// <param name="imageEncoder">Embeds images (the index's vectors).</param>
    /// <param name="textEncoder">Embeds text into the same space; <see langword="null"/> for image-only models.</param>
    /// <param name="options">Index spec, index path and indexing settings; model paths are ignored here.</param>
    /// <param name="logger">Logs indexing and loading.</param>
    public ImageSearchEngine(IImageEncoder imageEncoder, ITextEncoder? textEncoder, ImageSearchOptions options, ILogger<ImageSearchEngine>? logger = null)
        : this(imageEncoder, textEncoder, options, new FaissVectorIndexBackend(), logger)
    {
    }

    internal ImageSearchEngine(IImageEncoder imageEncoder, ITextEncoder? textEncoder, ImageSearchOptions options, IVectorIndexBackend backend, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(imageEncoder);
        ArgumentNullException.ThrowIfNull(options);
        if (textEncoder is not null && textEncoder.Dimension != imageEncoder.Dimension)
        {
            throw new ArgumentException(
                $"The text encoder's dimension ({textEncoder.Dimension}) differs from the image encoder's ({imageEncoder.Dimension}); they must embed into one space.",
                nameof(textEncoder));
        }
        _imageEncoder = imageEncoder;
        _textEncoder = textEncoder;
        _options = options;
        _backend = backend;
        _logger = logger ?? NullLogger.Instance;
        _vectors = new VectorIndexHolder(backend, options.IndexSpec, imageEncoder.Dimension, _logger);
    }

    /// <inheritdoc />
    public long Count
    {
        get
        {
            EnsureLoaded();
            _lock.EnterReadLock();
            try
            {
                return _catalog.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The FAISS factory string of the vector index in use (it changes as "Auto" grows, or once an IVF index can be trained).</summary>
    public string IndexDescription
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _vectors.BuiltAs;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The image encoder's model fingerprint, recorded in saved manifests.</summary>
    public string ModelFingerprint => _imageEncoder.ModelFingerprint;

    /// <summary>The embedding dimension.</summary>
    public int Dimension => _imageEncoder.Dimension;

    /// <inheritdoc />
    public async Task<IndexingReport> IndexDirectoryAsync(string directory, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var files = ImageFileScanner.Scan(directory, _options.IncludeSubdirectories, [.. _options.Extensions]);
        return await IndexAsync(files, directory, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IndexingReport> IndexFilesAsync(IEnumerable<string> files, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var infos = files.Select(f => new FileInfo(Path.GetFullPath(f))).ToList();
        return await IndexAsync(infos, null, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> AddAsync(ImageInput image, string key, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        EnsureLoaded();
        var bytes = image.ReadAllBytes();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var embedding = await _imageEncoder.EncodeAsync(ImageInput.FromBytes(bytes, image.Name), cancellationToken).ConfigureAwait(false);
        var item = new IndexingWorkItem(key, image, metadata ?? new Dictionary<string, string>(), null, null);
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Commit([new EncodedImage(item, hash, bytes.Length, embedding)])[0];
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        EnsureLoaded();
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _lock.EnterWriteLock();
            try
            {
                var removed = RemoveKeys([key]);
                return removed > 0;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int k = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (_textEncoder is null)
        {
            throw new InvalidOperationException(
                "This image search has no text encoder: its model embeds images only. Configure a CLIP model (UseClip) to search by text.");
        }
        var query = await _textEncoder.EncodeAsync(text, cancellationToken).ConfigureAwait(false);
        return SearchNormalised(query, k);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ImageInput image, int k = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var query = await _imageEncoder.EncodeAsync(image, cancellationToken).ConfigureAwait(false);
        return SearchNormalised(query, k);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> vector, int k = 10, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"The query vector has {vector.Length} values; this index holds vectors of dimension {Dimension}.", nameof(vector));
        }
        var span = vector.Span;
        for (var i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                throw new ArgumentException($"The query vector holds a non-finite value ({span[i]}) at position {i}.", nameof(vector));
            }
        }
        var norm = TensorPrimitives.Norm(span);
        if (norm == 0)
        {
            throw new ArgumentException("The query vector is all zeros; it has no direction to compare.", nameof(vector));
        }
        var query = new float[span.Length];
        TensorPrimitives.Divide(span, norm, query);
        return Task.FromResult<IReadOnlyList<SearchHit>>(SearchNormalised(query, k));
    }

    /// <inheritdoc />
    public async Task SaveAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var folder = FolderOrConfigured(path, "save");
        EnsureLoaded();
        // Every change to the index and catalog happens while holding _writers, so holding it gives a consistent
        // snapshot; searches go on meanwhile (they only read).
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var manifest = await IndexFolder.SaveAsync(folder, _vectors.Index, _vectors.BuiltAs, _catalog, _vectors.Tombstones, ModelFingerprint, _options.IndexSpec, cancellationToken)
                .ConfigureAwait(false);
            _logger.LogInformation("Saved {Images} images ({Description}) to {Folder}, generation {Generation}",
                manifest.ImageCount, manifest.IndexDescription, folder, manifest.Generation);
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public async Task LoadAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var folder = FolderOrConfigured(path, "load");
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (catalog, holder) = await Task.Run(() => ReadFolder(folder), cancellationToken).ConfigureAwait(false);
            _lock.EnterWriteLock();
            try
            {
                _vectors.Dispose();
                _vectors = holder;
                _catalog = catalog;
                _loadAttempted = true;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            _logger.LogInformation("Loaded {Images} images ({Description}) from {Folder}", catalog.Count, holder.BuiltAs, folder);
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _vectors.Dispose();
        _lock.Dispose();
        _writers.Dispose();
    }

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
            var report = new IndexingReport(result.Encoded, result.Unchanged, removed, failures, started.Elapsed);
            _logger.LogInformation("Indexed {Encoded} images in {Seconds:F1} s ({Rate:F1}/s); {Unchanged} unchanged, {Removed} removed, {Failed} failed",
                report.Encoded, report.Elapsed.TotalSeconds, report.ImagesPerSecond, report.Unchanged, report.Removed, failures.Count);
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

    private List<SearchHit> SearchNormalised(float[] query, int k)
    {
        EnsureLoaded();
        _lock.EnterReadLock();
        try
        {
            var matches = _vectors.Search(query, k);
            var hits = new List<SearchHit>(matches.Count);
            foreach (var match in matches)
            {
                if (_catalog.TryGetById(match.Id, out var entry))
                {
                    hits.Add(new SearchHit(entry.Id, entry.Key, ToCosine(match.Distance), hits.Count + 1, entry.Metadata));
                }
            }
            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private float ToCosine(float distance) => _vectors.Index.Metric == VectorMetric.InnerProduct ? distance : 1f - (distance / 2f);

    private (ImageCatalog Catalog, VectorIndexHolder Holder) ReadFolder(string folder)
    {
        var manifest = IndexFolder.ReadManifest(folder);
        if (manifest.Dimension != Dimension)
        {
            throw new IndexCompatibilityException(folder,
                $"it holds vectors of dimension {manifest.Dimension}; the configured model makes {Dimension} ({ModelFingerprint})");
        }
        if (!string.Equals(manifest.ModelFingerprint, ModelFingerprint, StringComparison.Ordinal))
        {
            throw new IndexCompatibilityException(folder,
                $"it was built with model '{manifest.ModelFingerprint}'; the configured model is '{ModelFingerprint}'. Re-index with this model or configure the one it was built with");
        }
        var (catalog, tombstones) = IndexFolder.ReadCatalog(folder, manifest, _options.VerifyChecksumsOnLoad);
        var indexPath = IndexFolder.VerifyFile(folder, manifest.Index, _options.VerifyChecksumsOnLoad);
        IVectorIndex index;
        try
        {
            index = _backend.Load(indexPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new IndexFormatException(folder, $"{manifest.Index.Name} cannot be read: {e.Message}", e);
        }
        if (index.Dimension != manifest.Dimension || index.Count != manifest.VectorCount)
        {
            var found = $"{index.Count} vectors of dimension {index.Dimension}";
            index.Dispose();
            throw new IndexFormatException(folder, $"{manifest.Index.Name} holds {found}; the manifest says {manifest.VectorCount} of dimension {manifest.Dimension}");
        }
        if (catalog.Count + tombstones.Length != index.Count)
        {
            var count = index.Count;
            index.Dispose();
            throw new IndexFormatException(folder, $"the catalog lists {catalog.Count} images and {tombstones.Length} removed vectors, but the index holds {count} vectors");
        }
        return (catalog, new VectorIndexHolder(_backend, _options.IndexSpec, index, manifest.IndexDescription, tombstones, _logger));
    }

    private void EnsureLoaded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loadAttempted)
        {
            return;
        }
        _writers.Wait();
        try
        {
            if (_loadAttempted)
            {
                return;
            }
            _loadAttempted = true;
            if (_options.IndexPath is { } folder && IndexFolder.Exists(folder))
            {
                var (catalog, holder) = ReadFolder(folder);
                _lock.EnterWriteLock();
                try
                {
                    _vectors.Dispose();
                    _vectors = holder;
                    _catalog = catalog;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
                _logger.LogInformation("Loaded {Images} images from {Folder}", catalog.Count, folder);
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    private string FolderOrConfigured(string? path, string verb) =>
        path ?? _options.IndexPath ?? throw new InvalidOperationException(
            $"No folder to {verb}: pass a path or set ImageSearchOptions.IndexPath.");
}
