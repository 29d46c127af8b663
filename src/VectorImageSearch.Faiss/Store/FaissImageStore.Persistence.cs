using Microsoft.Extensions.Logging;
using VectorImageSearch.Faiss.Store;
using VectorImageSearch.Persistence;

namespace VectorImageSearch.Faiss;

/// <summary>Saving and loading index folders.</summary>
internal sealed partial class FaissImageStore
{
    /// <inheritdoc />
    /// <remarks>Saves to <see cref="Path"/>, like <see cref="SaveAsync"/>.</remarks>
    /// <exception cref="InvalidOperationException">The store has no folder (<see cref="FaissImageStoreOptions.Path"/>).</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var folder = Path ?? throw new InvalidOperationException(
            "This FAISS image store has no folder to flush to: set FaissImageStoreOptions.Path (ImageSearchOptions.IndexPath), or save it with SaveAsync(path).");
        return SaveAsync(folder, cancellationToken);
    }

    /// <summary>
    /// Writes the index and the catalog into <paramref name="folder"/> as a new generation, then the manifest (with the
    /// model fingerprint, dimension, spec, counts and each file's SHA-256), atomically: a crash leaves the previous
    /// generation or the new one, never a mix. Searches go on meanwhile; writers wait.
    /// </summary>
    /// <param name="folder">The index folder; created when missing.</param>
    /// <param name="cancellationToken">Stops the save before the manifest is replaced.</param>
    public async Task SaveAsync(string folder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var schema = OpenSchema();
        // Every change happens while holding _writers, so holding it gives a consistent snapshot; searches only read.
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfMemoryMapped("save");
            var vectors = _vectors!;
            var manifest = await IndexFolder.SaveAsync(folder, vectors.Index, vectors.BuiltAs, _catalog, vectors.Tombstones, schema.ModelFingerprint, _spec, cancellationToken, vectors.Choice)
                .ConfigureAwait(false);
            _logger.LogInformation("Saved {Images} images ({Description}) to {Folder}, generation {Generation}",
                manifest.ImageCount, manifest.IndexDescription, folder, manifest.Generation);
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>
    /// Replaces what the store holds with the index saved in <paramref name="folder"/>, after checking it against
    /// <paramref name="schema"/>; opens the store when it is not open yet. <see cref="Path"/> does not change.
    /// </summary>
    /// <param name="folder">A folder written by <see cref="SaveAsync"/>.</param>
    /// <param name="schema">The model whose vectors the store must hold.</param>
    /// <param name="cancellationToken">Stops the load; the store keeps what it held.</param>
    /// <exception cref="InvalidDataException">The folder is not a complete, intact index.</exception>
    /// <exception cref="IndexCompatibilityException">It was built with another model or dimension.</exception>
    public async Task LoadAsync(string folder, ImageStoreSchema schema, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(schema);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureSameSchema(schema);
            var (catalog, holder) = await Task.Run(() => ReadFolder(folder, schema), cancellationToken).ConfigureAwait(false);
            Install(schema, catalog, holder);
            _logger.LogInformation("Loaded {Images} images ({Description}) from {Folder}", catalog.Count, holder.BuiltAs, folder);
        }
        finally
        {
            _writers.Release();
        }
    }

    private (ImageCatalog Catalog, VectorIndexHolder Holder) ReadFolder(string folder, ImageStoreSchema schema)
    {
        var manifest = IndexFolder.ReadManifest(folder);
        if (manifest.Dimension != schema.Dimension)
        {
            throw new IndexCompatibilityException(folder,
                $"it holds vectors of dimension {manifest.Dimension}; the configured model makes {schema.Dimension} ({schema.ModelFingerprint})");
        }
        if (!string.Equals(manifest.ModelFingerprint, schema.ModelFingerprint, StringComparison.Ordinal))
        {
            throw new IndexCompatibilityException(folder,
                $"it was built with model '{manifest.ModelFingerprint}'; the configured model is '{schema.ModelFingerprint}'. Re-index with this model or configure the one it was built with");
        }
        var (catalog, tombstones) = IndexFolder.ReadCatalog(folder, manifest, _verifyChecksums);
        var indexPath = IndexFolder.VerifyFile(folder, manifest.Index, _verifyChecksums);
        FaissIndex index;
        try
        {
            index = FaissIndex.Load(indexPath, _memoryMap);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw IndexFormatError.Create(folder, $"{manifest.Index.Name} cannot be read: {e.Message}", e);
        }
        if (_memoryMap && !index.IsReadOnly)
        {
            _logger.LogInformation("MemoryMapOnLoad: FAISS maps only IVF lists, so {Description} in {Folder} was read into memory and stays writable",
                manifest.IndexDescription, folder);
        }
        if (index.Dimension != manifest.Dimension || index.Count != manifest.VectorCount)
        {
            var found = $"{index.Count} vectors of dimension {index.Dimension}";
            index.Dispose();
            throw IndexFormatError.Create(folder, $"{manifest.Index.Name} holds {found}; the manifest says {manifest.VectorCount} of dimension {manifest.Dimension}");
        }
        if (catalog.Count + tombstones.Length != index.Count)
        {
            var count = index.Count;
            index.Dispose();
            throw IndexFormatError.Create(folder, $"the catalog lists {catalog.Count} images and {tombstones.Length} removed vectors, but the index holds {count} vectors");
        }
        return (catalog, new VectorIndexHolder(_spec, index, manifest.IndexDescription, tombstones, _logger, _budget, manifest.Choice));
    }

    /// <summary>Refuses a change to an index opened with <see cref="FaissImageStoreOptions.MemoryMapOnLoad"/>; call holding <c>_writers</c>.</summary>
    private void ThrowIfMemoryMapped(string operation)
    {
        if (_vectors?.Index.IsReadOnly == true)
        {
            throw new InvalidOperationException(
                $"Cannot {operation}: the FAISS image store{(Path is null ? string.Empty : $" at {Path}")} was opened with MemoryMapOnLoad, so its index is memory-mapped and read-only. Open it without MemoryMapOnLoad to change it.");
        }
    }
}
