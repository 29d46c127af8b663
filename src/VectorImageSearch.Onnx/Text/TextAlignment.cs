namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// Where each char of a cleaned text came from in the original: char k stands for the original chars
/// [<see cref="Start"/>(k), <see cref="End"/>(k)). Ranges never go backwards, so a run of cleaned chars maps to
/// [Start(first), End(last)).
/// </summary>
internal readonly struct TextAlignment
{
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    private TextAlignment(int[] starts, int[] ends)
    {
        _starts = starts;
        _ends = ends;
    }

    /// <summary>The number of cleaned chars described.</summary>
    public int Length => _starts?.Length ?? 0;

    /// <summary>Each char stands for itself: a text of <paramref name="length"/> chars not yet changed.</summary>
    public static TextAlignment Identity(int length)
    {
        var starts = new int[length];
        var ends = new int[length];
        for (var i = 0; i < length; i++)
        {
            starts[i] = i;
            ends[i] = i + 1;
        }

        return new TextAlignment(starts, ends);
    }

    /// <summary>Every one of <paramref name="length"/> chars stands for everything <paramref name="previous"/> covers (the safe fallback).</summary>
    public static TextAlignment Whole(int length, TextAlignment previous)
    {
        var (start, end) = previous.Length == 0 ? (0, 0) : (previous.Start(0), previous.End(previous.Length - 1));
        var result = new Builder(length);
        for (var i = 0; i < length; i++)
        {
            result.Add(start, end);
        }

        return result.Build();
    }

    /// <summary>Where char <paramref name="index"/> starts in the original.</summary>
    public int Start(int index) => _starts![index];

    /// <summary>Where char <paramref name="index"/> ends (exclusive) in the original.</summary>
    public int End(int index) => _ends![index];

    /// <summary>Collects the ranges of a stage's output, one char at a time.</summary>
    public struct Builder(int capacity)
    {
        private int[] _starts = new int[Math.Max(capacity, 4)];
        private int[] _ends = new int[Math.Max(capacity, 4)];

        /// <summary>How many chars were added.</summary>
        public int Count { get; private set; }

        /// <summary>Adds the next output char, standing for the original [<paramref name="start"/>, <paramref name="end"/>).</summary>
        public void Add(int start, int end)
        {
            if (Count == _starts.Length)
            {
                Array.Resize(ref _starts, Count * 2);
                Array.Resize(ref _ends, Count * 2);
            }

            _starts[Count] = start;
            _ends[Count] = end;
            Count++;
        }

        /// <summary>The alignment of the chars added.</summary>
        public readonly TextAlignment Build() => new(_starts[..Count], _ends[..Count]);
    }
}
