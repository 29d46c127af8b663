using System.Collections.Concurrent;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// A bounded, thread-safe cache of pre-token → BPE ids. Looked up by span (no allocation on a hit). When it holds
/// <see cref="Capacity"/> words it stops taking new ones: the words of a corpus that repeat most tend to come early,
/// and the memory stays bounded without the cost of an eviction policy. Long words are never cached.
/// </summary>
internal sealed class WordCache
{
    /// <summary>Words longer than this (in chars) are not cached.</summary>
    public const int MaxWordLength = 64;

    private readonly ConcurrentDictionary<string, int[]> _words;
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _count;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="capacity">The most words it holds.</param>
    public WordCache(int capacity)
    {
        Capacity = capacity;
        _words = new ConcurrentDictionary<string, int[]>(StringComparer.Ordinal);
        _lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The most words the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>The number of words held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether the cache takes no more words.</summary>
    public bool IsFull => Volatile.Read(ref _count) >= Capacity;

    /// <summary>Looks a word up.</summary>
    /// <param name="word">The pre-token.</param>
    /// <param name="ids">Its ids when found.</param>
    /// <returns>Whether the word was cached.</returns>
    public bool TryGet(ReadOnlySpan<char> word, out int[] ids)
    {
        if (word.Length <= MaxWordLength && _lookup.TryGetValue(word, out var found))
        {
            ids = found;
            return true;
        }

        ids = [];
        return false;
    }

    /// <summary>Stores a word's ids if the word is short enough and the cache has room.</summary>
    /// <param name="word">The pre-token.</param>
    /// <param name="ids">Its ids (not copied; never changed afterwards).</param>
    public void TryAdd(ReadOnlySpan<char> word, int[] ids)
    {
        if (word.Length > MaxWordLength || Volatile.Read(ref _count) >= Capacity)
        {
            return;
        }

        if (_lookup.TryAdd(word, ids))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
