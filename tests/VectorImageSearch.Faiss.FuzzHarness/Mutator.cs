namespace VectorImageSearch.Faiss.FuzzHarness;

/// <summary>The mutations the fuzz test applies to a serialised index.</summary>
internal static class Mutator
{
    private static readonly long[] HugeValues = [int.MaxValue, uint.MaxValue, 1L << 40, (1L << 40) - 1, long.MaxValue, -1, -2, 1L << 33];

    /// <summary>A copy of <paramref name="original"/> with one kind of damage chosen at random.</summary>
    public static byte[] Mutate(byte[] original, Random random)
    {
        switch (random.Next(6))
        {
            case 0: // truncation
                return original[..random.Next(original.Length)];
            case 1: // bit flips in the first 64 bytes: fourcc, dimension, counts, flags
            {
                var bytes = (byte[])original.Clone();
                for (int i = 0, n = random.Next(1, 4); i < n; i++)
                {
                    var at = random.Next(Math.Min(64, bytes.Length));
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }
                return bytes;
            }
            case 2: // random bytes anywhere
            {
                var bytes = (byte[])original.Clone();
                var at = random.Next(bytes.Length);
                var length = Math.Min(bytes.Length - at, random.Next(1, 9));
                random.NextBytes(bytes.AsSpan(at, length));
                return bytes;
            }
            case 3: // bit flips anywhere (IVF list ids and sizes, HNSW links and levels, codes)
            {
                var bytes = (byte[])original.Clone();
                for (int i = 0, n = random.Next(1, 5); i < n; i++)
                {
                    var at = random.Next(bytes.Length);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }
                return bytes;
            }
            case 4: // a 64-bit count-like value (a size that fits the file) made huge, shifted or negative
                return ReplaceCount(original, random, 8);
            default: // a 32-bit value that looks like a dimension, level, link or count made huge or negative
                return ReplaceCount(original, random, 4);
        }
    }

    private static byte[] ReplaceCount(byte[] original, Random random, int width)
    {
        var bytes = (byte[])original.Clone();
        var candidates = new List<int>();
        for (var at = 0; at + width <= bytes.Length; at++)
        {
            var value = width == 8 ? BitConverter.ToInt64(bytes, at) : BitConverter.ToInt32(bytes, at);
            if (value > 0 && value <= bytes.Length)
            {
                candidates.Add(at);
            }
        }
        var position = candidates.Count > 0 ? candidates[random.Next(candidates.Count)] : random.Next(Math.Max(1, bytes.Length - width));
        if (position + width > bytes.Length)
        {
            return bytes;
        }
        var current = width == 8 ? BitConverter.ToInt64(bytes, position) : BitConverter.ToInt32(bytes, position);
        var replacement = random.Next(4) switch
        {
            0 => HugeValues[random.Next(HugeValues.Length)],
            1 => current + random.Next(1, 5),
            2 => current * 2,
            _ => current - random.Next(1, 5),
        };
        if (width == 8)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(position, 8), replacement);
        }
        else
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(position, 4), unchecked((int)replacement));
        }
        return bytes;
    }
}
