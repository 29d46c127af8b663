using System.Buffers;
using System.Text;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// The byte-level BPE model of CLIP: a word's UTF-8 bytes become byte symbols (the last one carrying the end-of-word
/// suffix) that are merged by merge rank, lowest first, left to right. Immutable after construction, so thread-safe.
/// </summary>
/// <remarks>
/// The merge loop uses a heap of (rank, position) with a linked list of symbols, O(n log n) in the word's length, so a
/// pathological multi-megabyte "word" cannot stall a caller. For any merges file in which a merged pair ranks after the
/// merge that produced its parts (true of every trained BPE file, CLIP's included) it gives exactly the result of the
/// reference algorithm, which repeatedly merges every occurrence of the lowest-ranked pair.
/// </remarks>
internal sealed class BytePairModel
{
    private const int StackSymbols = 64;

    private readonly int[] _byteIds = new int[256];
    private readonly int[] _byteEndIds = new int[256];
    private readonly Dictionary<long, long> _merges;

    /// <summary>Builds the model.</summary>
    /// <param name="vocabulary">Token text → id.</param>
    /// <param name="merges">Merge pairs in rank order (rank = index).</param>
    /// <param name="endOfWordSuffix">The suffix marking a word's last symbol ("&lt;/w&gt;" for CLIP).</param>
    /// <param name="unknownId">The id given to a symbol the vocabulary lacks.</param>
    /// <exception cref="InvalidDataException">A merge names a token the vocabulary lacks.</exception>
    public BytePairModel(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges, string endOfWordSuffix, int unknownId)
    {
        UnknownId = unknownId;
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ToChar((byte)b).ToString();
            _byteIds[b] = vocabulary.TryGetValue(symbol, out var id) ? id : -1;
            _byteEndIds[b] = vocabulary.TryGetValue(symbol + endOfWordSuffix, out id) ? id : -1;
        }

        _merges = new Dictionary<long, long>(merges.Count, PairComparer.Instance);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocabulary.TryGetValue(left, out var leftId) || !vocabulary.TryGetValue(right, out var rightId)
                || !vocabulary.TryGetValue(left + right, out var mergedId))
            {
                throw new InvalidDataException($"merge {rank + 1} '{left} {right}' names a token that is not in the vocabulary");
            }

            // The first occurrence of a pair wins, as in the reference (a dict built from the list keeps the last,
            // but duplicates do not occur in real files; the lower rank is the sensible reading).
            _merges.TryAdd(PairKey(leftId, rightId), ((long)rank << 32) | (uint)mergedId);
        }
    }

    /// <summary>The id given to a symbol the vocabulary lacks.</summary>
    public int UnknownId { get; }

    /// <summary>The number of merges.</summary>
    public int MergeCount => _merges.Count;

    /// <summary>Encodes one pre-tokenized word.</summary>
    /// <param name="word">The word (no lone surrogates).</param>
    /// <param name="output">Receives the ids.</param>
    public void Encode(ReadOnlySpan<char> word, ref IdBuffer output)
    {
        if (word.IsEmpty)
        {
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(word);
        byte[]? rentedBytes = null;
        Span<byte> bytes = byteCount <= StackSymbols ? stackalloc byte[StackSymbols] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount));
        var n = Encoding.UTF8.GetBytes(word, bytes);

        int[]? rentedNodes = null;
        long[]? rentedHeap = null;
        Span<int> nodes = n <= StackSymbols ? stackalloc int[3 * StackSymbols] : (rentedNodes = ArrayPool<int>.Shared.Rent(3 * n));
        Span<long> heap = n <= StackSymbols ? stackalloc long[3 * StackSymbols] : (rentedHeap = ArrayPool<long>.Shared.Rent(3 * n));
        try
        {
            var symbols = nodes[..n];
            var next = nodes.Slice(n, n);
            var previous = nodes.Slice(2 * n, n);
            for (var i = 0; i < n; i++)
            {
                symbols[i] = i == n - 1 ? _byteEndIds[bytes[i]] : _byteIds[bytes[i]];
                next[i] = i + 1 < n ? i + 1 : -1;
                previous[i] = i - 1;
            }

            Merge(symbols, next, previous, heap);

            for (var i = 0; i >= 0; i = next[i])
            {
                output.Add(symbols[i] >= 0 ? symbols[i] : UnknownId);
            }
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedNodes is not null)
            {
                ArrayPool<int>.Shared.Return(rentedNodes);
            }

            if (rentedHeap is not null)
            {
                ArrayPool<long>.Shared.Return(rentedHeap);
            }
        }
    }

    private void Merge(Span<int> symbols, Span<int> next, Span<int> previous, Span<long> heap)
    {
        var count = 0;
        for (var i = 0; i + 1 < symbols.Length; i++)
        {
            if (TryRank(symbols[i], symbols[i + 1], out var rank, out _))
            {
                Push(heap, ref count, rank, i);
            }
        }

        while (count > 0)
        {
            var top = Pop(heap, ref count);
            var rank = (int)(top >> 32);
            var position = (int)top;
            var right = next[position];
            if (symbols[position] == int.MinValue || right < 0
                || !TryRank(symbols[position], symbols[right], out var currentRank, out var merged) || currentRank != rank)
            {
                continue; // stale: the pair at this position has changed since it was queued
            }

            symbols[position] = merged;
            symbols[right] = int.MinValue;
            next[position] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = position;
            }

            if (previous[position] >= 0 && TryRank(symbols[previous[position]], merged, out var leftRank, out _))
            {
                Push(heap, ref count, leftRank, previous[position]);
            }

            if (next[position] >= 0 && TryRank(merged, symbols[next[position]], out var rightRank, out _))
            {
                Push(heap, ref count, rightRank, position);
            }
        }
    }

    private bool TryRank(int left, int right, out int rank, out int merged)
    {
        if (left >= 0 && right >= 0 && _merges.TryGetValue(PairKey(left, right), out var value))
        {
            rank = (int)(value >> 32);
            merged = (int)value;
            return true;
        }

        rank = 0;
        merged = 0;
        return false;
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>
    /// Hashes a pair key well: <see cref="long.GetHashCode"/> XORs the halves, so pairs of small ids (the most common
    /// merges) pile into a few buckets and lookups get slow.
    /// </summary>
    private sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long obj) => (int)((ulong)(obj * unchecked((long)0x9E3779B97F4A7C15)) >> 32);
    }

    private static void Push(Span<long> heap, ref int count, int rank, int position)
    {
        var item = ((long)rank << 32) | (uint)position;
        var i = count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (heap[parent] <= item)
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = item;
    }

    private static long Pop(Span<long> heap, ref int count)
    {
        var top = heap[0];
        var last = heap[--count];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (last <= heap[child])
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        if (count > 0)
        {
            heap[i] = last;
        }

        return top;
    }
}
