using System.Buffers;

namespace VectorImageSearch.Onnx.Text;

/// <summary>A growable list of token ids over pooled memory, with an optional limit after which further ids are dropped.</summary>
internal ref struct IdBuffer
{
    private int[] _items;

    /// <summary>Creates a buffer that keeps at most <paramref name="limit"/> ids.</summary>
    /// <param name="limit">The most ids to keep; <see cref="int.MaxValue"/> for no limit.</param>
    public IdBuffer(int limit)
    {
        Limit = limit;
        _items = ArrayPool<int>.Shared.Rent(Math.Clamp(limit, 16, 256));
    }

    /// <summary>The most ids kept.</summary>
    public int Limit { get; }

    /// <summary>The number of ids kept.</summary>
    public int Count { get; private set; }

    /// <summary>Whether an id was dropped because the limit was reached.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The ids kept.</summary>
    public readonly ReadOnlySpan<int> Items => _items.AsSpan(0, Count);

    /// <summary>Appends an id, or notes the overflow when the limit is reached.</summary>
    /// <param name="id">The id.</param>
    public void Add(int id)
    {
        if (Count >= Limit)
        {
            Overflowed = true;
            return;
        }

        if (Count == _items.Length)
        {
            var larger = ArrayPool<int>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, Count).CopyTo(larger);
            ArrayPool<int>.Shared.Return(_items);
            _items = larger;
        }

        _items[Count++] = id;
    }

    /// <summary>Appends ids.</summary>
    /// <param name="ids">The ids.</param>
    public void AddRange(ReadOnlySpan<int> ids)
    {
        foreach (var id in ids)
        {
            Add(id);
        }
    }

    /// <summary>Returns the pooled memory.</summary>
    public void Dispose()
    {
        if (_items.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_items);
            _items = [];
        }
    }
}
