using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <summary>
/// A reusable set of allowed ids for filtered search (<see cref="VectorSearchOptions.Filter"/>): a batch of ids, a range,
/// or a bitmap. The ids are copied into native memory once; any number of searches on any indexes may then share the
/// selector at the same time. Dispose it when no search uses it any more.
/// </summary>
/// <remarks>
/// Every kind of index honours it: Flat, SQ, PQ and IVF filter while they scan; HNSW walks its graph but admits only
/// allowed vectors to the results; the id-mapped kinds translate it to their internal ids. When the selector allows few
/// vectors (<see cref="VectorSearchOptions.ExactFilterFraction"/>) they are compared with the query directly instead,
/// which is exact and faster at low selectivity.
/// </remarks>
internal sealed class FaissIdSelector : IDisposable
{
    private FaissIdSelector(SafeFaissSelectorHandle handle, string description)
    {
        Handle = handle;
        Count = ShimNative.SelectorCount(handle.DangerousGetHandle());
        _description = description;
    }

    private readonly string _description;

    /// <summary>How many ids the selector allows (for a range: its width).</summary>
    public long Count { get; }

    internal SafeFaissSelectorHandle Handle { get; }

    /// <summary>Allows exactly <paramref name="ids"/> (duplicates are ignored).</summary>
    /// <param name="ids">The allowed ids.</param>
    public static unsafe FaissIdSelector Batch(ReadOnlySpan<long> ids)
    {
        fixed (long* pointer = ids)
        {
            return Create(0, pointer, null, (nuint)ids.Length, 0, 0, $"{ids.Length} ids");
        }
    }

    /// <summary>Allows the ids in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">The first allowed id.</param>
    /// <param name="end">One past the last allowed id; at least <paramref name="start"/>.</param>
    public static unsafe FaissIdSelector Range(long start, long end)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        return Create(1, null, null, 0, start, end, $"ids {start}..{end - 1}");
    }

    /// <summary>
    /// Allows id <c>i</c> when bit <c>i % 8</c> of <c>bitmap[i / 8]</c> is set (FAISS's bitmap layout); ids beyond the
    /// bitmap are not allowed. The fastest test for dense id spaces.
    /// </summary>
    /// <param name="bitmap">One bit per id from 0.</param>
    public static unsafe FaissIdSelector Bitmap(ReadOnlySpan<byte> bitmap)
    {
        fixed (byte* pointer = bitmap)
        {
            return Create(2, null, pointer, (nuint)bitmap.Length, 0, 0, $"a bitmap of {bitmap.Length * 8L} ids");
        }
    }

    /// <summary>Frees the native selector once no search uses it.</summary>
    public void Dispose() => Handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"FaissIdSelector({_description}, {Count} allowed)";

    private static unsafe FaissIdSelector Create(int kind, long* ids, byte* bits, nuint n, long start, long end, string description)
    {
        FaissNativeLibraries.EnsureRegistered();
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        IntPtr pointer;
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.SelectorNew(kind, ids, bits, n, start, end, out pointer, e, (nuint)error.Length), error, "create an id selector");
        }
        return new FaissIdSelector(new SafeFaissSelectorHandle(pointer), description);
    }
}
