using System.Diagnostics;
using System.Globalization;
using VectorImageSearch.Faiss;

/// <summary>
/// faiss-build mode: writes a FAISS index of <c>count</c> random unit vectors (clustered around 1,000 centres, made in
/// chunks of 50,000 so that the process never holds them all as managed arrays) with the given factory string.
/// faiss-load mode: loads an index file, with or without memory-mapping, and prints this process's RSS before and after
/// the load and after 100 searches, and its high-water mark: "load key=value...".
/// </summary>
internal static class FaissMemory
{
    private const int Chunk = 50_000;

    /// <summary>Builds and saves the index.</summary>
    public static int Build(string path, int count, int dimension, string factory)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(20261127);
        var centres = Vectors(random, 1_000, dimension, null);
        using var index = FaissIndex.Create(dimension, factory);
        index.Threads = 1;
        var training = Vectors(random, Math.Min(count, Chunk), dimension, centres);
        index.Train(training);
        Console.Error.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s");
        for (var done = 0; done < count; done += Chunk)
        {
            index.Add(Vectors(random, Math.Min(Chunk, count - done), dimension, centres));
        }
        index.Save(path);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"built {index.Description} count={index.Count} dim={dimension} file_mib={new FileInfo(path).Length / 1048576.0:F0} seconds={clock.Elapsed.TotalSeconds:F0}"));
        return 0;
    }

    /// <summary>Loads the index and reports memory.</summary>
    public static int Load(string path, bool memoryMap)
    {
        var before = StatusMiB("VmRSS:");
        var clock = Stopwatch.StartNew();
        using var index = FaissIndex.Load(path, memoryMap);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var loaded = StatusMiB("VmRSS:");
        var loadedFile = StatusMiB("RssFile:");
        var random = new Random(7);
        var query = Vectors(random, 1, index.Dimension, null);
        for (var q = 0; q < 100; q++)
        {
            random.NextSingle();
            query[q % index.Dimension] += 0.1f;
            _ = index.Search(query, 10);
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load mmap={memoryMap} kind={index.Description} read_only={index.IsReadOnly} count={index.Count} file_mib={new FileInfo(path).Length / 1048576.0:F0} load_s={loadSeconds:F1} rss_before_mib={before:F0} rss_loaded_mib={loaded:F0} rss_file_loaded_mib={loadedFile:F0} rss_after_100_searches_mib={StatusMiB("VmRSS:"):F0} hwm_mib={StatusMiB("VmHWM:"):F0}"));
        return 0;
    }

    private static float[] Vectors(Random random, int count, int dimension, float[]? centres)
    {
        var vectors = new float[count * dimension];
        for (var v = 0; v < count; v++)
        {
            var row = vectors.AsSpan(v * dimension, dimension);
            var centre = centres is null ? null : centres.AsSpan(random.Next(centres.Length / dimension) * dimension, dimension).ToArray();
            var norm = 0.0;
            for (var d = 0; d < dimension; d++)
            {
                row[d] = (centre?[d] ?? 0f) + ((random.NextSingle() - 0.5f) * (centre is null ? 1f : 0.3f));
                norm += row[d] * row[d];
            }
            var scale = (float)(1 / Math.Sqrt(norm));
            for (var d = 0; d < dimension; d++)
            {
                row[d] *= scale;
            }
        }
        return vectors;
    }

    private static double StatusMiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
