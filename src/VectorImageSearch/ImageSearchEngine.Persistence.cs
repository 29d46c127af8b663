using Microsoft.Extensions.Logging;
using VectorImageSearch.Catalog;
using VectorImageSearch.Indexes;
using VectorImageSearch.Persistence;

namespace VectorImageSearch;

/// <summary>Saving and loading index folders.</summary>
public sealed partial class ImageSearchEngine
{
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

    /// <summary>Loads the configured IndexPath on first use when it holds an index; throws (every time) when it cannot be loaded.</summary>
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
            // Set only after a successful load: an index folder that cannot be loaded keeps failing every call, so the
            // engine never carries on empty and later saves over the user's index.
            _loadAttempted = true;
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
