using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Benchmarks.Corpus;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Tests.Data;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx;

namespace VectorImageSearch.Benchmarks.Compare;

/// <summary>
/// Our side of the side-by-side comparisons driven by benchmarks/compare/run.sh. Each subcommand measures one thing the
/// way its peer script does (same files, same index files, same batch size, same thread counts) and prints one JSON line
/// per measurement on stdout; progress goes to stderr.
/// <code>
///   compare corpus         --count 1000 [--list-4000x3000 FILE --list-count 24]
///   compare faiss-prepare  --dir D --n 100000 --d 512 --queries 1000 --kinds flat,ivfflat,ivfpq,ivfpqr,hnsw
///   compare faiss-search   --dir D --kinds ... --threads 2 --single 200 --single-threads 1 --reps 3
///   compare preprocess     --list FILE --reps 3 [--full-decode]
///   compare index          --folder F --model M --batch 16 [--count N] [--decode-parallelism P] [--inference-threads T] [--no-spin | --spin]
///                          [--ort-config key=value,key=value] (ONNX Runtime session config entries)
///   compare split          --folder F --model M --batch 16 [--count N] [--inference-threads T] [--no-spin | --spin] [--ort-config …]
///   compare stages         --list FILE --reps 5 [--variants current,one-open,…] (StageTimings.cs)
///   compare peak           (the cores' measured fp32 FMA throughput; InferenceTuning.cs)
///   compare inference      --model M [--images 64] [--rounds 3] [--variants default-b16,nospin-b16,…] (InferenceTuning.cs)
/// </code>
/// </summary>
internal static partial class CompareRunner
{
    private const int K = 10;

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("compare: corpus | faiss-prepare | faiss-search | preprocess | index | split (see CompareRunner.cs)");
            return 2;
        }
        var options = new CompareArgs(args[1..]);
        switch (args[0])
        {
            case "corpus":
                Corpus(options);
                break;
            case "faiss-prepare":
                FaissPrepare(options);
                break;
            case "faiss-search":
                FaissSearch(options);
                break;
            case "preprocess":
                Preprocess(options);
                break;
            case "index":
                IndexAsync(options).GetAwaiter().GetResult();
                break;
            case "split":
                Split(options);
                break;
            case "stages":
                StageTimings.Run(options);
                break;
            case "peak":
                InferenceTuning.Peak();
                break;
            case "inference":
                InferenceTuning.Run(options);
                break;
            default:
                Console.Error.WriteLine($"compare: unknown subcommand '{args[0]}'");
                return 2;
        }
        return 0;
    }

    private static void Corpus(CompareArgs options)
    {
        var count = options.Int("count", 1000);
        var folder = JpegCorpus.Ensure(count, Log);
        var list = options.Text("list-4000x3000", "");
        if (list.Length > 0)
        {
            // Landscape 4000 × 3000 files without an EXIF rotation: what both preprocessors see identically.
            var wanted = options.Int("list-count", 24);
            var files = Enumerable.Range(0, count)
                .Where(i => JpegCorpus.Describe(i) is (4000, 3000, 0))
                .Take(wanted)
                .Select(i => Path.Combine(folder, JpegCorpus.FileName(i)));
            File.WriteAllLines(list, files);
        }
        Console.WriteLine(folder);
    }

    private static void FaissPrepare(CompareArgs options)
    {
        var dir = options.Required("dir");
        var n = options.Int("n", 100_000);
        var d = options.Int("d", 512);
        var queryCount = options.Int("queries", 1000);
        var buildThreads = options.Int("build-threads", 0);
        Directory.CreateDirectory(dir);
        Log($"faiss-prepare: generating {n} x {d} + {queryCount} queries");
        var (data, queries) = ClusteredVectors.GenerateWithQueries(n, queryCount, d, seed: 42);
        WriteFloats(Path.Combine(dir, "queries.f32"), queries);
        File.WriteAllText(Path.Combine(dir, "shape.json"), JsonSerializer.Serialize(new { n, d, queries = queryCount }));
        foreach (var kind in options.Text("kinds", "flat,ivfflat,ivfpq,ivfpqr,hnsw").Split(','))
        {
            var rssBefore = ResidentBytes();
            var clock = Stopwatch.StartNew();
            using var index = FaissIndex.Create(d, BenchmarkIndexKinds.Spec(kind), VectorMetric.InnerProduct, n);
            index.Threads = buildThreads;
            var training = (int)index.RecommendedTrainingCount(n);
            if (training > 0)
            {
                index.Train(data, training, seed: 7);
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            index.Add(data);
            var addSeconds = clock.Elapsed.TotalSeconds;
            var rssAfter = ResidentBytes();
            var file = Path.Combine(dir, kind + ".faiss");
            index.Save(file);
            Emit(new Dictionary<string, object>
            {
                ["what"] = "faiss-build", ["side"] = "ours", ["kind"] = kind, ["description"] = index.Description, ["n"] = n, ["d"] = d,
                ["train_vectors"] = training, ["build_threads"] = buildThreads, ["train_s"] = trainSeconds, ["add_s"] = addSeconds,
                ["file_bytes_per_vector"] = new FileInfo(file).Length / (double)n,
                ["rss_bytes_per_vector"] = (rssAfter - rssBefore) / (double)n,
                ["nprobe"] = index.DefaultNProbe, ["ef_search"] = index.DefaultEfSearch,
            });
        }
    }

    private static void FaissSearch(CompareArgs options)
    {
        var dir = options.Required("dir");
        var threads = options.Int("threads", Environment.ProcessorCount);
        var singleThreads = options.Int("single-threads", 1);
        var singleCount = options.Int("single", 200);
        var reps = options.Int("reps", 3);
        var queries = ReadFloats(Path.Combine(dir, "queries.f32"));
        foreach (var kind in options.Text("kinds", "flat,ivfflat,ivfpq,ivfpqr,hnsw").Split(','))
        {
            using var index = FaissIndex.Load(Path.Combine(dir, kind + ".faiss"));
            var d = index.Dimension;
            var queryCount = queries.Length / d;
            var ids = new long[queryCount * K];
            var distances = new float[queryCount * K];
            var singles = Math.Min(singleCount, queryCount);
            var one = new long[K];
            var oneDistances = new float[K];

            // Warm-up: page the index in, start OpenMP's threads.
            index.Threads = threads;
            index.Search(queries, K, distances, ids);
            index.Threads = singleThreads;
            for (var q = 0; q < Math.Min(20, singles); q++)
            {
                index.Search(queries.AsSpan(q * d, d), K, oneDistances, one);
            }

            var batched = new List<double>();
            var single = new List<double>();
            for (var r = 0; r < reps; r++)
            {
                index.Threads = threads;
                var clock = Stopwatch.StartNew();
                index.Search(queries, K, distances, ids);
                batched.Add(clock.Elapsed.TotalSeconds);

                index.Threads = singleThreads;
                clock.Restart();
                for (var q = 0; q < singles; q++)
                {
                    index.Search(queries.AsSpan(q * d, d), K, oneDistances, one);
                }
                single.Add(clock.Elapsed.TotalSeconds);
            }
            Emit(new Dictionary<string, object>
            {
                ["what"] = "faiss-search", ["side"] = "ours", ["kind"] = kind, ["n"] = index.Count, ["d"] = d, ["threads"] = threads,
                ["single_threads"] = singleThreads, ["queries"] = queryCount, ["singles"] = singles,
                ["batched_s"] = Median(batched), ["batched_qps"] = queryCount / Median(batched),
                ["single_us"] = Median(single) / singles * 1e6, ["single_qps"] = singles / Median(single),
                ["checksum"] = ids.Take(K).Sum(),
            });
        }
    }

    private static void Preprocess(CompareArgs options)
    {
        var files = File.ReadAllLines(options.Required("list")).Where(l => l.Length > 0).ToArray();
        var reps = options.Int("reps", 3);
        var fullDecode = options.Flag("full-decode");
        // --shrink-margin M: JPEG shrink-on-load keeps the decoded short edge at least M × 224 (default 2.0; 1.0 decodes smaller).
        var margin = double.Parse(options.Text("shrink-margin", "2.0"), CultureInfo.InvariantCulture);
        // --resize libvips: the opt-in libvips resampler instead of the PIL-exact one.
        var engine = options.Text("resize", "pil") == "libvips" ? ResizeEngine.Libvips : ResizeEngine.Pil;
        var decode = fullDecode
            ? new ImageDecodeOptions { ShrinkOnLoad = false, ResizeEngine = engine }
            : new ImageDecodeOptions { ShrinkOnLoadMargin = margin, ResizeEngine = engine };
        var mode = (fullDecode ? "full-decode" : margin == 2.0 ? "shrink-on-load" : $"shrink-on-load-margin-{margin.ToString(CultureInfo.InvariantCulture)}")
            + (engine == ResizeEngine.Libvips ? "+libvips-resize" : "");
        var recipe = PreprocessRecipe.Clip224;
        var tensor = new float[recipe.TensorLength];
        ImagePipeline.Preprocess(ImageInput.FromFile(files[0]), recipe, tensor, decode); // warm-up
        var perImage = new List<double>();
        for (var r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var file in files)
            {
                // As PIL's Image.open does, read the file inside the timed loop.
                ImagePipeline.Preprocess(ImageInput.FromFile(file), recipe, tensor, decode);
            }
            perImage.Add(clock.Elapsed.TotalSeconds / files.Length);
        }
        Emit(new Dictionary<string, object>
        {
            ["what"] = "preprocess", ["side"] = "ours", ["mode"] = mode, ["images"] = files.Length,
            ["ms_per_image"] = Median(perImage) * 1000, ["tensor_sum"] = tensor.Sum(),
        });
    }

    private static async Task IndexAsync(CompareArgs options)
    {
        var folder = options.Required("folder");
        var model = options.Required("model");
        var batch = options.Int("batch", 16);
        var parallelism = options.Int("decode-parallelism", Environment.ProcessorCount);
        var threads = options.Int("inference-threads", 0);
        var services = new ServiceCollection();
        services.AddImageSearch(o =>
        {
            o.UseClip(model);
            o.BatchSize = batch;
            o.DecodeParallelism = parallelism;
            o.InferenceThreads = threads;
            // --no-spin / --spin set spinning explicitly; without either the library's default applies.
            if (Spinning(options) is { } spin)
            {
                o.InferenceThreadSpinning = spin;
            }
            o.ConfigureSessionOptions = OrtConfig(options);
        });
        await using var provider = services.BuildServiceProvider();
        var clock = Stopwatch.StartNew();
        var search = provider.GetRequiredService<IImageSearch>();
        // Warm-up (model load, first session run), as the transformers.js side warms up on its first batch.
        var first = Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal).First();
        _ = await search.SearchAsync(ImageInput.FromFile(first), k: 1).ConfigureAwait(false);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        var count = options.Int("count", 0);
        var report = count > 0
            ? await search.IndexFilesAsync(Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal).Take(count)).ConfigureAwait(false)
            : await search.IndexDirectoryAsync(folder).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Emit(new Dictionary<string, object>
        {
            ["what"] = "index", ["side"] = "ours", ["images"] = report.Encoded, ["failed"] = report.Failures.Count, ["batch"] = batch,
            ["decode_parallelism"] = parallelism, ["inference_threads"] = threads, ["spinning"] = Spinning(options)?.ToString() ?? "default", ["ort_config"] = options.Text("ort-config", ""), ["model"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(model)),
            ["seconds"] = seconds, ["images_per_s"] = report.Encoded / seconds, ["cpu_s"] = cpu, ["load_s"] = loadSeconds,
            ["decode_s"] = report.DecodeTime.TotalSeconds, ["inference_s"] = report.InferenceTime.TotalSeconds,
            ["commit_s"] = report.CommitTime.TotalSeconds, ["waiting_for_images_s"] = report.WaitingForImages.TotalSeconds,
        });
    }

    // --no-spin: false; --spin: true; neither: null (the library's default).
    private static bool? Spinning(CompareArgs options) => options.Flag("no-spin") ? false : options.Flag("spin") ? true : null;

    // --ort-config key=value,key=value: ONNX Runtime session config entries (for example session.dynamic_block_base=4).
    private static Action<Microsoft.ML.OnnxRuntime.SessionOptions>? OrtConfig(CompareArgs options)
    {
        var text = options.Text("ort-config", "");
        if (text.Length == 0)
        {
            return null;
        }
        var entries = text.Split(',').Select(e => e.Split('=', 2)).ToArray();
        return o =>
        {
            foreach (var entry in entries)
            {
                o.AddSessionConfigEntry(entry[0], entry[1]);
            }
        };
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void WriteFloats(string path, float[] values)
    {
        using var stream = File.Create(path);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    private static void Emit(Dictionary<string, object> row)
    {
        row["utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture);
        Console.WriteLine(JsonSerializer.Serialize(row));
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
