namespace VectorImageSearch.Faiss.Store;

/// <summary>
/// Orders keys by Unicode code point, the order <see cref="IImageRecordStore.ListAsync"/> promises (and PostgreSQL's
/// <c>COLLATE "C"</c> gives). <see cref="StringComparer.Ordinal"/> compares UTF-16 code units, which puts a character
/// above U+FFFF (a surrogate pair) before U+E000…U+FFFF; this comparer moves surrogates above them.
/// </summary>
internal sealed class KeyOrder : IComparer<string>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return Fix(x[i]).CompareTo(Fix(y[i]));
            }
        }
        return x.Length.CompareTo(y.Length);
    }

    // Surrogates (U+D800…U+DFFF) after U+E000…U+FFFF; every other unit keeps its place.
    private static int Fix(char c) => c >= '\uE000' ? c - 0x800 : c >= '\uD800' ? c + 0x2000 : c;
}
