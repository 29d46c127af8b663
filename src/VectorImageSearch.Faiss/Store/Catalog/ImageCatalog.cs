namespace VectorImageSearch.Faiss.Store;

/// <summary>
/// The id ↔ key map of an index with each image's file facts and metadata (records without vectors). Not thread-safe:
/// the store changes it only under its write lock, together with the vector index.
/// </summary>
internal sealed class ImageCatalog
{
    private readonly Dictionary<long, ImageRecord> _byId = [];
    private readonly Dictionary<string, long> _idByKey = new(StringComparer.Ordinal);

    /// <summary>The id the next added image gets; ids are never reused.</summary>
    public long NextId { get; private set; } = 1;

    /// <summary>The number of images.</summary>
    public int Count => _byId.Count;

    /// <summary>Every entry, in no particular order.</summary>
    public IEnumerable<ImageRecord> Entries => _byId.Values;

    /// <summary>Hands out the next id.</summary>
    public long AllocateId() => NextId++;

    /// <summary>Adds or replaces the entry for its key and id.</summary>
    public void Put(ImageRecord entry)
    {
        if (_idByKey.TryGetValue(entry.Key, out var previous) && previous != entry.Id)
        {
            _byId.Remove(previous);
        }
        _byId[entry.Id] = entry;
        _idByKey[entry.Key] = entry.Id;
        if (entry.Id >= NextId)
        {
            NextId = entry.Id + 1;
        }
    }

    /// <summary>Removes the entry with <paramref name="key"/>; returns it, or <see langword="null"/>.</summary>
    public ImageRecord? Remove(string key)
    {
        if (!_idByKey.Remove(key, out var id))
        {
            return null;
        }
        _byId.Remove(id, out var record);
        return record;
    }

    /// <summary>The entry with <paramref name="key"/>, if any.</summary>
    public bool TryGetByKey(string key, out ImageRecord entry)
    {
        if (_idByKey.TryGetValue(key, out var id) && _byId.TryGetValue(id, out entry!))
        {
            return true;
        }
        entry = null!;
        return false;
    }

    /// <summary>The entry with <paramref name="id"/>, if any.</summary>
    public bool TryGetById(long id, out ImageRecord entry) => _byId.TryGetValue(id, out entry!);

    /// <summary>Restores the id counter of a loaded catalog.</summary>
    public void RestoreNextId(long nextId) => NextId = Math.Max(NextId, nextId);
}
