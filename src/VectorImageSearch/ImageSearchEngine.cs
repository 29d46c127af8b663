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
public sealed partial class ImageSearchEngine : IImageSearch
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

}
