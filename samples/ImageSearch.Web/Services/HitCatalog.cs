using System.Collections.Concurrent;

namespace VectorImageSearch.Samples.Web.Services;

/// <summary>
/// The catalog ids the server has handed out in search results, mapped to their keys. Thumbnails and "more like this"
/// take an id from the request and look its key up here: a request never names a path. Filled only from the engine's
/// own search hits; bounded by the number of images indexed.
/// </summary>
internal sealed class HitCatalog
{
    private readonly ConcurrentDictionary<long, string> _keys = new();

    /// <summary>Remembers the ids and keys of <paramref name="hits"/>.</summary>
    public void Remember(IEnumerable<SearchHit> hits)
    {
        foreach (var hit in hits)
        {
            _keys[hit.Id] = hit.Key;
        }
    }

    /// <summary>The key of the image with <paramref name="id"/>, when a search has returned it.</summary>
    public bool TryGetKey(long id, out string key) => _keys.TryGetValue(id, out key!);
}
