using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NetVips;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Benchmarks.Compare;

/// <summary>
/// <c>compare stages --list FILE [--reps 5] [--variants a,b,…]</c>: where one image's decode + CLIP preprocessing time goes,
/// stage by stage, for several ways of calling libvips, measured ALTERNATELY (variant a over all files, then b, …, repeated
/// --reps times) so that every variant sees the same machine load. One thread calls; wall and process CPU time are both
/// reported (libvips may use worker threads of its own). Prints one JSON line per variant and stage: median over the
/// repetitions of the per-image milliseconds. benchmarks/compare/pil_stages.py is the PIL side.
/// </summary>
/// <remarks>
/// Stages: <c>header</c> (open the file, find the loader, read the header and orientation: no pixel decoded);
/// <c>decode</c> (the DCT-scaled JPEG decode, colour conversion and any copies, into a pooled buffer);
/// <c>resample</c> (our PIL-exact bicubic resize + centre crop from the decoded buffer); <c>normalise</c> (to CHW float32);
/// <c>pipeline</c> (the public <see cref="ImagePipeline.Preprocess"/> end to end with the variant's options, file read included).
/// </remarks>
internal static class StageTimings
{
    private static readonly string[] AllVariants =
    [
        "current",            // VipsDecoder as shipped: header open, reopen with shrink, ToRgb8, write into a pooled buffer
        "one-open",           // the header and the pixels from one open (shrink chosen from a header-only parse of the same source)
        "raw-write",          // reopen with shrink, no autorot/colourspace steps, write straight into the pooled buffer
        "concurrency-1",      // "current" with libvips' worker threads limited to 1 (vips_concurrency_set(1))
        "margin-1",           // "current" with ShrinkOnLoadMargin 1 (DCT scale 1/8 for a 224 target on 4000 × 3000)
        "memory-source",      // the file read into memory in one call (inside the timing), decoded from a memory source
        "random-access",      // "raw-write" with Access.Random instead of Sequential
        "fail-none",          // "raw-write" with FailOn.None instead of Error
    ];

    public static void Run(CompareArgs options)
    {
        var files = File.ReadAllLines(options.Required("list")).Where(l => l.Length > 0).ToArray();
        var reps = options.Int("reps", 5);
        var variants = options.Text("variants", string.Join(',', AllVariants)).Split(',');
        var recipe = PreprocessRecipe.Clip224;
        var defaultConcurrency = NetVips.NetVips.Concurrency;
        var samples = new Dictionary<(string Variant, string Stage), (List<double> Wall, List<double> Cpu)>();
        var pixels = ArrayPool<byte>.Shared.Rent(4000 * 3000 * 3);
        var crop = new byte[recipe.OutputWidth * recipe.OutputHeight * 3];
        var tensor = new float[recipe.TensorLength];
        var process = Process.GetCurrentProcess();

        for (var rep = -1; rep < reps; rep++)
        {
            foreach (var variant in variants)
            {
                NetVips.NetVips.Concurrency = variant == "concurrency-1" ? 1 : defaultConcurrency;
                var margin = variant == "margin-1" ? 1.0 : 2.0;
                var decodeOptions = new ImageDecodeOptions { ShrinkOnLoadMargin = margin };
                var minShortEdge = (int)Math.Ceiling(recipe.ShortestEdge * margin);
                var totals = new Dictionary<string, (double Wall, double Cpu)>();
                foreach (var file in files)
                {
                    Time(totals, "header", process, () => Header(file));
                    DecodedImage? decoded = null;
                    Time(totals, "decode", process, () => decoded = Decode(variant, file, minShortEdge, pixels));
                    using (decoded)
                    {
                        var plan = ResizePlan.For(recipe, decoded!.SourceWidth, decoded.SourceHeight);
                        Time(totals, "resample", process, () => PilResampler.ResizeCrop(
                            decoded.Pixels, decoded.Width, decoded.Height, decoded.BoxWidth, decoded.BoxHeight, plan.ResizedWidth, plan.ResizedHeight,
                            plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight, recipe.Resample, crop));
                    }
                    Time(totals, "normalise", process, () => ImagePipeline.Normalize(crop, recipe, tensor));
                    Time(totals, "pipeline", process, () => ImagePipeline.Preprocess(ImageInput.FromFile(file), recipe, tensor, decodeOptions));
                }
                if (rep < 0)
                {
                    continue; // warm-up pass
                }
                foreach (var (stage, total) in totals)
                {
                    if (!samples.TryGetValue((variant, stage), out var lists))
                    {
                        samples[(variant, stage)] = lists = ([], []);
                    }
                    lists.Wall.Add(total.Wall * 1000 / files.Length);
                    lists.Cpu.Add(total.Cpu * 1000 / files.Length);
                }
            }
        }
        NetVips.NetVips.Concurrency = defaultConcurrency;
        ArrayPool<byte>.Shared.Return(pixels);

        foreach (var ((variant, stage), (wall, cpu)) in samples)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"what\":\"stages\",\"side\":\"ours\",\"variant\":\"{variant}\",\"stage\":\"{stage}\",\"images\":{files.Length},\"reps\":{reps},\"wall_ms\":{Median(wall):F2},\"cpu_ms\":{Median(cpu):F2},\"wall_ms_all\":[{string.Join(',', wall.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}],\"vips_concurrency_default\":{defaultConcurrency},\"load\":\"{Load()}\",\"utc\":\"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ssZ}\"}}"));
        }
    }

    // Open, find the loader, read the header and the orientation; no pixel is decoded.
    private static int Header(string file)
    {
        using var source = Source.NewFromFile(file);
        _ = Image.FindLoadSource(source);
        using var image = Image.NewFromSource(source, string.Empty, Enums.Access.Sequential, Enums.FailOn.Error);
        var orientation = image.Contains("orientation") ? Convert.ToInt32(image.Get("orientation"), CultureInfo.InvariantCulture) : 1;
        return image.Width + orientation;
    }

    private static DecodedImage Decode(string variant, string file, int minShortEdge, byte[] pixels)
    {
        switch (variant)
        {
            case "one-open":
            {
                // One source: header read, then the loader's shrink option on a second image of the same source.
                using var source = Source.NewFromFile(file);
                int width, height;
                using (var header = Image.NewFromSource(source, string.Empty, Enums.Access.Sequential, Enums.FailOn.Error))
                {
                    (width, height) = (header.Width, header.Height);
                }
                var shrink = Shrink(Math.Min(width, height), minShortEdge);
                using var image = Image.NewFromSource(source, string.Empty, Enums.Access.Sequential, Enums.FailOn.Error, new VOption { { "shrink", shrink } });
                return WriteRaw(image, width, height, shrink, pixels);
            }
            case "memory-source":
            {
                var bytes = File.ReadAllBytes(file);
                int width, height;
                using (var source = Source.NewFromMemory(bytes))
                using (var header = Image.NewFromSource(source, string.Empty, Enums.Access.Sequential, Enums.FailOn.Error))
                {
                    (width, height) = (header.Width, header.Height);
                }
                var shrink = Shrink(Math.Min(width, height), minShortEdge);
                using var again = Source.NewFromMemory(bytes);
                using var image = Image.NewFromSource(again, string.Empty, Enums.Access.Sequential, Enums.FailOn.Error, new VOption { { "shrink", shrink } });
                return WriteRaw(image, width, height, shrink, pixels);
            }
            case "raw-write":
            case "random-access":
            case "fail-none":
            {
                var access = variant == "random-access" ? Enums.Access.Random : Enums.Access.Sequential;
                var failOn = variant == "fail-none" ? Enums.FailOn.None : Enums.FailOn.Error;
                int width, height;
                using (var source = Source.NewFromFile(file))
                using (var header = Image.NewFromSource(source, string.Empty, Enums.Access.Sequential, Enums.FailOn.Error))
                {
                    (width, height) = (header.Width, header.Height);
                }
                var shrink = Shrink(Math.Min(width, height), minShortEdge);
                using var again = Source.NewFromFile(file);
                using var image = Image.NewFromSource(again, string.Empty, access, failOn, new VOption { { "shrink", shrink } });
                return WriteRaw(image, width, height, shrink, pixels);
            }
            default:
                return VipsDecoder.Decode(ImageInput.FromFile(file), ImageDecodeOptions.Default, minShortEdge);
        }
    }

    private static int Shrink(int shortEdge, int minShortEdge)
    {
        var shrink = 1;
        while (shrink < 8 && shortEdge / (shrink * 2) >= minShortEdge)
        {
            shrink *= 2;
        }
        return shrink;
    }

    // The decoded pixels written straight into a (rented) buffer; the DecodedImage returned owns a copy-free pooled array.
    private static unsafe DecodedImage WriteRaw(Image image, int width, int height, int shrink, byte[] scratch)
    {
        var size = image.Width * image.Height * 3;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        fixed (byte* destination = buffer)
        {
            using var target = Image.NewFromMemory((IntPtr)destination, (ulong)size, image.Width, image.Height, 3, Enums.BandFormat.Uchar);
            image.Write(target);
        }
        _ = scratch;
        return new DecodedImage(buffer, image.Width, image.Height, width, height, shrink);
    }

    private static void Time(Dictionary<string, (double Wall, double Cpu)> totals, string stage, Process process, Action action)
    {
        _ = process;
        var cpu = ProcessCpuSeconds();
        var clock = Stopwatch.StartNew();
        action();
        var wall = clock.Elapsed.TotalSeconds;
        var used = ProcessCpuSeconds() - cpu;
        var (w, c) = totals.GetValueOrDefault(stage);
        totals[stage] = (w + wall, c + used);
    }

    // CLOCK_PROCESS_CPUTIME_ID (2): the CPU time of all the process's threads, in nanoseconds (Process.TotalProcessorTime
    // ticks in 10 ms steps, too coarse for one decode).
    private static double ProcessCpuSeconds()
    {
        ClockGetTime(2, out var spec);
        return spec.Seconds + (spec.Nanoseconds * 1e-9);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec spec);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
