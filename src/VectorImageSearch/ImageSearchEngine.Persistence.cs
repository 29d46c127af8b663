using VectorImageSearch.Faiss;

namespace VectorImageSearch;

/// <summary>Opening the store, saving and loading index folders.</summary>
internal sealed partial class ImageSearchEngine
{
    /// <inheritdoc />
    /// <remarks>
    /// Without <paramref name="path"/> the store makes its committed batches durable (<see cref="IImageRecordStore.FlushAsync"/>:
    /// a FAISS store saves to its folder, a database has nothing left to do). With a path, a FAISS store saves there.
    /// </remarks>
    /// <exception cref="NotSupportedException">A path was given and the store is not kept in a folder.</exception>
    public async Task SaveAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var faiss = _store as FaissImageStore;
        if (path is null && faiss is { Path: null })
        {
            throw new InvalidOperationException("No folder to save: pass a path or set ImageSearchOptions.IndexPath.");
        }
        if (path is not null && faiss is null)
        {
            throw new NotSupportedException($"The image search keeps its records in {_store.GetType().Name}, not in a folder: it cannot be saved to '{path}'. Call SaveAsync() to flush it.");
        }
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        // Every change goes through _writers, so holding it gives a consistent snapshot; searches go on meanwhile.
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (path is not null)
            {
                await faiss!.SaveAsync(path, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _store.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>For a store that is not kept in a folder (a database), <paramref name="path"/> must be null and the call only opens it.</remarks>
    /// <exception cref="NotSupportedException">A path was given and the store is not kept in a folder.</exception>
    public async Task LoadAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_store is not FaissImageStore faiss)
        {
            if (path is not null)
            {
                throw new NotSupportedException($"The image search keeps its records in {_store.GetType().Name}, not in a folder: it cannot load '{path}'.");
            }
            await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var folder = path ?? faiss.Path ?? throw new InvalidOperationException("No folder to load: pass a path or set ImageSearchOptions.IndexPath.");
        await _writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await faiss.LoadAsync(folder, _schema, cancellationToken).ConfigureAwait(false);
            _open = true;
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>Opens the store on first use (a FAISS store loads its folder); throws, every time, while it cannot be opened.</summary>
    private void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_open)
        {
            EnsureOpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    private async ValueTask EnsureOpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_open)
        {
            return;
        }
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_open)
            {
                // Set only after a successful open: an index folder that cannot be loaded keeps failing every call, so the
                // engine never carries on empty and later saves over the user's index.
                await _store.OpenAsync(_schema, cancellationToken).ConfigureAwait(false);
                _open = true;
            }
        }
        finally
        {
            _opening.Release();
        }
    }
}
