namespace VectorImageSearch.Querying;

/// <summary>Disjoint sets over 0..n-1 with path halving and union by size: the connected components of the duplicate links.</summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;

    public UnionFind(int count)
    {
        _parent = new int[count];
        _size = new int[count];
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
            _size[i] = 1;
        }
    }

    /// <summary>The representative of <paramref name="item"/>'s set.</summary>
    public int Find(int item)
    {
        while (_parent[item] != item)
        {
            _parent[item] = _parent[_parent[item]];
            item = _parent[item];
        }
        return item;
    }

    /// <summary>Joins the sets of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public void Union(int a, int b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra == rb)
        {
            return;
        }
        if (_size[ra] < _size[rb])
        {
            (ra, rb) = (rb, ra);
        }
        _parent[rb] = ra;
        _size[ra] += _size[rb];
    }
}
