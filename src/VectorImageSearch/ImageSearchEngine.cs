using System.Numerics.Tensors;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Faiss;
using VectorImageSearch.Indexing;
using VectorImageSearch.Indexing.Scanning;

namespace VectorImageSearch;

/// <summary>
/// The image search: an image encoder (and, for CLIP, a text encoder) over an <see cref="IImageRecordStore"/>. Indexing
/// runs, additions, removals, saves and loads take turns; searches run beside them and see the store as of its last
/// committed batch.
/// </summary>
internal sealed partial class ImageSearchEngine : IImageSearch
{
    private readonly IImageEncoder _imageEncoder;
    private readonly ITextEncoder? _textEncoder;
    private readonly IImageRecordStore _store;
    private readonly bool _ownsStore;
    private readonly ImageStoreSchema _schema;
    private readonly ImageSearchOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writers = new(1, 1);
    private readonly SemaphoreSlim _opening = new(1, 1);
    private volatile bool _open;
    private volatile bool _disposed;

    /// <summary>Creates an engine over encoders you built yourself, with a FAISS folder store it owns.</summary>
    /// <param name="imageEncoder">Embeds images (the index's vectors).</param>
    /// <param name="textEncoder">Embeds text into the same space; <see langword="null"/> for image-only models.</param>
    /// <param name="options">Index spec, index path and indexing settings; model paths are ignored here.</param>
    /// <param name="logger">Logs indexing and loading.</param>
    public ImageSearchEngine(IImageEncoder imageEncoder, ITextEncoder? textEncoder, ImageSearchOptions options, ILogger<ImageSearchEngine>? logger = null)
        : this(imageEncoder, textEncoder, FaissStore(options ?? throw new ArgumentNullException(nameof(options)), null), options, logger, ownsStore: true)
    {
    }

    /// <summary>Creates an engine over encoders and a store you built yourself; the store stays yours to dispose.</summary>
    /// <param name="imageEncoder">Embeds images (the store's vectors).</param>
    /// <param name="textEncoder">Embeds text into the same space; <see langword="null"/> for image-only models.</param>
    /// <param name="store">Keeps the image records; opened on first use for the image encoder's model and dimension.</param>
    /// <param name="options">Indexing settings; model paths and the index spec and path are ignored here.</param>
    /// <param name="logger">Logs indexing.</param>
    public ImageSearchEngine(IImageEncoder imageEncoder, ITextEncoder? textEncoder, IImageRecordStore store, ImageSearchOptions options, ILogger<ImageSearchEngine>? logger = null)
        : this(imageEncoder, textEncoder, store, options, logger, ownsStore: false)
    {
    }

    private ImageSearchEngine(IImageEncoder imageEncoder, ITextEncoder? textEncoder, IImageRecordStore store, ImageSearchOptions options, ILogger? logger, bool ownsStore)
    {
        ArgumentNullException.ThrowIfNull(imageEncoder);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (textEncoder is not null && textEncoder.Dimension != imageEncoder.Dimension)
        {
            throw new ArgumentException(
                $"The text encoder's dimension ({textEncoder.Dimension}) differs from the image encoder's ({imageEncoder.Dimension}); they must embed into one space.",
                nameof(textEncoder));
        }
        _imageEncoder = imageEncoder;
        _textEncoder = textEncoder;
        _store = store;
        _ownsStore = ownsStore;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _schema = new ImageStoreSchema(imageEncoder.ModelFingerprint, imageEncoder.Dimension);
    }

    /// <inheritdoc />
    public long Count
    {
        get
        {
            EnsureOpen();
            return _store.CountAsync().GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return await _store.CountAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public string IndexDescription
    {
        get
        {
            EnsureOpen();
            return _store is FaissImageStore faiss ? faiss.IndexDescription : _store.GetType().Name;
        }
    }

    /// <summary>The store that keeps this search's image records.</summary>
    public IImageRecordStore Store => _store;

    /// <summary>The image encoder's model fingerprint, recorded in saved manifests.</summary>
    public string ModelFingerprint => _imageEncoder.ModelFingerprint;

    /// <summary>The embedding dimension.</summary>
    public int Dimension => _imageEncoder.Dimension;

    /// <inheritdoc />
    public Task<IndexingReport> IndexDirectoryAsync(string directory, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            return Task.FromException<IndexingReport>(new DirectoryNotFoundException($"The folder to index, '{directory}', does not exist."));
        }
        var scan = new FolderScanOptions(_options.IncludeSubdirectories, _options.FollowSymbolicLinks, [.. _options.Extensions]);
        // The walk runs on its own thread and streams: the Task is returned before the first folder is read.
        return IndexAsync(FolderWalker.WalkAsync(directory, scan, cancellationToken), directory, progress, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IndexingReport> IndexFilesAsync(IEnumerable<string> files, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var infos = files.Select(f => new ScannedEntry(new FileInfo(Path.GetFullPath(f)), null)).ToList();
        return await IndexAsync(infos.ToAsyncEnumerable(), null, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> AddAsync(ImageInput image, string key, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var bytes = image.ReadAllBytes();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var embedding = await _imageEncoder.EncodeAsync(ImageInput.FromBytes(bytes, image.Name), cancellationToken).ConfigureAwait(false);
        var item = new IndexingWorkItem(key, image, metadata ?? new Dictionary<string, string>(), null, null);
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ids = await CommitAsync([new EncodedImage(item, hash, bytes.Length, embedding)], cancellationToken).ConfigureAwait(false);
            return ids[0];
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
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _store.DeleteAsync([key], cancellationToken).ConfigureAwait(false) > 0;
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
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, ImageStoreSearchOptions.MaxK);
        if (_textEncoder is null)
        {
            throw new InvalidOperationException(
                "This image search has no text encoder: its model embeds images only. Configure a CLIP model (UseClip) to search by text.");
        }
        var query = await _textEncoder.EncodeAsync(text, cancellationToken).ConfigureAwait(false);
        return await SearchNormalisedAsync(query, k, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ImageInput image, int k = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, ImageStoreSearchOptions.MaxK);
        var query = await _imageEncoder.EncodeAsync(image, cancellationToken).ConfigureAwait(false);
        return await SearchNormalisedAsync(query, k, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> vector, int k = 10, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, ImageStoreSearchOptions.MaxK);
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
        return SearchNormalisedAsync(query, k, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_ownsStore)
        {
            if (_store is IDisposable disposable)
            {
                disposable.Dispose();
            }
            else
            {
                _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        _writers.Dispose();
        _opening.Dispose();
    }

    private async Task<IReadOnlyList<SearchHit>> SearchNormalisedAsync(float[] query, int k, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var matches = await _store.SearchAsync(query, new ImageStoreSearchOptions { K = k }, cancellationToken).ConfigureAwait(false);
        var hits = new List<SearchHit>(matches.Count);
        foreach (var (record, score) in matches)
        {
            hits.Add(new SearchHit(record.Id, record.Key, score, hits.Count + 1, record.Metadata));
        }
        return hits;
    }

    /// <summary>The FAISS folder store <paramref name="options"/> describe (Index, IndexPath, VerifyChecksumsOnLoad, IndexBudget, MemoryMapIndexOnLoad, IndexThreads).</summary>
    internal static FaissImageStore FaissStore(ImageSearchOptions options, ILogger<FaissImageStore>? logger) =>
        new(new FaissImageStoreOptions
        {
            IndexSpec = options.Index,
            Path = options.IndexPath,
            VerifyChecksumsOnLoad = options.VerifyChecksumsOnLoad,
            IndexBudget = options.IndexBudget,
            MemoryMapOnLoad = options.MemoryMapIndexOnLoad,
            Threads = options.IndexThreads,
        }, logger);
}
