using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NetVips;
using VectorImageSearch;

/// <summary>
/// memory-index mode: makes <c>count</c> small, distinct JPEG and PNG images (once; a marker file keeps them for reruns),
/// indexes them with the given CLIP model into a fresh index folder and saves, sampling this process's resident memory
/// (VmRSS) every 200 ms. Prints "sample SECONDS ENCODED RSS_MIB HEAP_MIB" lines and one "result key=value..." line:
/// baseline_mib is the RSS at the first sample after an image was encoded (models loaded, pipeline running).
/// </summary>
internal static class MemoryIndexing
{
    /// <summary>Runs the measurement.</summary>
    public static async Task<int> RunAsync(string model, string images, int count, string index)
    {
        var clock = Stopwatch.StartNew();
        MakeImages(images, count);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"images {count} ready in {clock.Elapsed.TotalSeconds:F1} s"));
        if (Directory.Exists(index))
        {
            Directory.Delete(index, recursive: true);
        }
        var services = new ServiceCollection();
        services.AddImageSearch(o =>
        {
            o.UseClip(model);
            o.IndexPath = index;
        });
        await using var provider = services.BuildServiceProvider();
        var search = provider.GetRequiredService<IImageSearch>();
        _ = search.Count;

        var progress = new LatestProgress();
        var started = Stopwatch.StartNew();
        var samples = new List<(double Seconds, int Encoded, double Rss, double Heap)>();
        using var timer = new Timer(_ =>
        {
            var sample = (started.Elapsed.TotalSeconds, progress.Encoded, RssMiB(), GC.GetTotalMemory(false) / 1048576.0);
            lock (samples)
            {
                samples.Add(sample);
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sample {sample.Item1:F1} {sample.Item2} {sample.Item3:F1} {sample.Item4:F1}"));
        }, null, 0, 200);
        var report = await search.IndexDirectoryAsync(images, progress);
        var indexed = started.Elapsed;
        await search.SaveAsync();
        await Task.Delay(400); // two more samples after the save
        timer.Dispose();
        List<(double Seconds, int Encoded, double Rss, double Heap)> all;
        lock (samples)
        {
            all = [.. samples];
        }
        var running = all.Where(s => s.Encoded > 0).ToList();
        var baseline = running.Count > 0 ? running[0].Rss : all[^1].Rss;
        var secondHalf = running.Where(s => s.Encoded >= count / 2).Select(s => s.Rss).DefaultIfEmpty(0).ToList();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result images={count} encoded={report.Encoded} failures={report.Failures.Count} stored={search.Count} index_s={indexed.TotalSeconds:F1} start_mib={all[0].Rss:F1} baseline_mib={baseline:F1} half_mib={secondHalf.Min():F1} max_mib={all.Max(s => s.Rss):F1} end_mib={all[^1].Rss:F1} hwm_mib={HighWaterMiB():F1} heap_max_mib={all.Max(s => s.Heap):F1}"));
        foreach (var (key, reason) in report.Failures.Take(5))
        {
            Console.Error.WriteLine($"failure: {key}: {reason}");
        }
        return 0;
    }

    private static void MakeImages(string folder, int count)
    {
        var marker = Path.Combine(folder, $".complete-{count}");
        if (File.Exists(marker))
        {
            return;
        }
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "VectorImageSearch.sln")))
        {
            repo = Path.GetDirectoryName(repo) ?? throw new InvalidOperationException("No VectorImageSearch.sln above the harness.");
        }
        // 2,000 distinct pictures, each written count / 2,000 times with its number in a comment (JPEG COM segment, PNG
        // tEXt chunk): every file's bytes and hash differ, and making 100,000 takes seconds instead of minutes.
        var shapes = Directory.GetFiles(Path.Combine(repo, "samples", "images", "shapes", "images"), "*.png").Order(StringComparer.Ordinal)
            .Select(p => Image.NewFromFile(p).CopyMemory()).ToArray();
        byte[][] pictures;
        try
        {
            pictures = new byte[Math.Min(count, Pictures)][];
            Parallel.For(0, pictures.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => pictures[i] = Make(shapes[i % shapes.Length], i));
        }
        finally
        {
            foreach (var shape in shapes)
            {
                shape.Dispose();
            }
        }
        for (var shard = 0; shard * 1000 < count; shard++)
        {
            var sub = Directory.CreateDirectory(Path.Combine(folder, $"s{shard:D4}")).FullName;
            for (var i = shard * 1000; i < Math.Min(count, (shard + 1) * 1000); i++)
            {
                var picture = pictures[i % pictures.Length];
                var png = i % pictures.Length % 4 == 0;
                File.WriteAllBytes(Path.Combine(sub, png ? $"i{i:D7}.png" : $"i{i:D7}.jpg"), png ? PngWithText(picture, i) : JpegWithComment(picture, i));
            }
        }
        File.WriteAllText(marker, "");
    }

    private const int Pictures = 2_000;

    // A shape at 32-96 pixels, flipped on odd rounds, with i written as 20 black/white pixels in its top row, so that
    // every image's content (and hash) differs.
    private static byte[] Make(Image shape, int i)
    {
        var side = 32 + (i * 37 % 65);
        using var small = shape.ThumbnailImage(side, height: side, crop: Enums.Interesting.Centre);
        using var flipped = (i / 720) % 2 == 1 ? small.Flip(Enums.Direction.Horizontal) : small.Copy();
        using var marked = flipped.Mutate(m =>
        {
            for (var bit = 0; bit < 20; bit++)
            {
                var on = ((i >> bit) & 1) == 1;
                m.DrawRect(on ? [255.0, 255.0, 255.0] : [0.0, 0.0, 0.0], bit % side, bit / side, 1, 1, fill: true);
            }
        });
        return i % 4 == 0 ? marked.WriteToBuffer(".png") : marked.WriteToBuffer($".jpg[Q={60 + (i % 36)}]");
    }

    private static byte[] JpegWithComment(byte[] jpeg, int i)
    {
        var text = System.Text.Encoding.ASCII.GetBytes($"image {i}");
        return [.. jpeg.AsSpan(0, 2), 0xFF, 0xFE, 0, (byte)(text.Length + 2), .. text, .. jpeg.AsSpan(2)];
    }

    // A tEXt chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
    private static byte[] PngWithText(byte[] png, int i)
    {
        var chunk = System.Text.Encoding.ASCII.GetBytes($"tEXtComment\0image {i}");
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, chunk.Length - 4);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, VectorImageSearch.Tests.Shared.PngCrc.Compute(chunk));
        return [.. png.AsSpan(0, 33), .. length, .. chunk, .. crc, .. png.AsSpan(33)];
    }

    private static double RssMiB() => StatusKiB("VmRSS:") / 1024.0;

    private static double HighWaterMiB() => StatusKiB("VmHWM:") / 1024.0;

    private static long StatusKiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private sealed class LatestProgress : IProgress<IndexingProgress>
    {
        private int _encoded;

        public int Encoded => Volatile.Read(ref _encoded);

        public void Report(IndexingProgress value) => Volatile.Write(ref _encoded, value.Encoded);
    }
}
