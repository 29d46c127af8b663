namespace VectorImageSearch.Tests.StoreConformance;

/// <summary>Random records for the conformance suite: keys under a few folders, metadata from small vocabularies, times in whole seconds.</summary>
internal sealed class ConformanceData
{
    public static readonly string[] Folders = ["/photos/2024/", "/photos/2025/", "/scans/", "/photos/2024-old/", "/odd/a%b_c/"];
    private static readonly string[] Cameras = ["canon", "nikon", "Canon", "pixel \"7\""];
    private static readonly string[] Albums = ["summer", "winter", "été"];
    public static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly Random _random;

    public ConformanceData(int seed, int dimension)
    {
        _random = new Random(seed);
        Dimension = dimension;
    }

    public int Dimension { get; }

    public Random Random => _random;

    public string Key(int maxFiles = 60) => Folders[_random.Next(Folders.Length)] + "img" + _random.Next(maxFiles).ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + ".jpg";

    public float[] Vector()
    {
        var v = new float[Dimension];
        var sum = 0.0;
        for (var i = 0; i < v.Length; i++)
        {
            // A shared direction makes scores spread over a useful range (like real embeddings), not all near 0.
            v[i] = (float)((_random.NextDouble() * 2 - 1) + (i < 3 ? 0.8 : 0));
            sum += v[i] * v[i];
        }
        var inverse = (float)(1 / Math.Sqrt(sum));
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= inverse;
        }
        return v;
    }

    public ImageRecord Record(string key)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_random.Next(4) != 0)
        {
            metadata["camera"] = Cameras[_random.Next(Cameras.Length)];
        }
        if (_random.Next(2) == 0)
        {
            metadata["album"] = Albums[_random.Next(Albums.Length)];
        }
        return new ImageRecord
        {
            Key = key,
            Vector = Vector(),
            ContentHash = Convert.ToHexString(BitConverter.GetBytes(_random.NextInt64())).ToLowerInvariant(),
            SizeBytes = _random.Next(1, 5_000_000),
            LastWriteUtc = _random.Next(5) == 0 ? null : Epoch.AddSeconds(_random.Next(0, 86_400 * 30)),
            Metadata = metadata,
        };
    }

    public ImageRecordFilter? Filter()
    {
        if (_random.Next(3) == 0)
        {
            return null;
        }
        var filter = new ImageRecordFilter();
        if (_random.Next(2) == 0)
        {
            filter = filter with { KeyPrefix = _random.Next(6) == 0 ? "/photos/2024" : Folders[_random.Next(Folders.Length)] };
        }
        if (_random.Next(3) == 0)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["camera"] = Cameras[_random.Next(Cameras.Length)] };
            if (_random.Next(3) == 0)
            {
                metadata["album"] = Albums[_random.Next(Albums.Length)];
            }
            filter = filter with { Metadata = metadata };
        }
        if (_random.Next(3) == 0)
        {
            filter = filter with { ModifiedFromUtc = Epoch.AddSeconds(_random.Next(0, 86_400 * 15)) };
        }
        if (_random.Next(3) == 0)
        {
            filter = filter with { ModifiedBeforeUtc = Epoch.AddSeconds(_random.Next(86_400 * 10, 86_400 * 30)) };
        }
        return filter;
    }
}
