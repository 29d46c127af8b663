using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using Microsoft.ML.OnnxRuntime;
using VectorImageSearch.Onnx;

namespace VectorImageSearch.Benchmarks.Compare;

/// <summary>
/// <c>compare peak</c>: the fp32 FMA throughput the cores really give (a register-only loop of independent fused
/// multiply-adds on 256- and 512-bit vectors, on 1 thread and on every core), the denominator of "% of peak".
/// <c>compare inference --model M [--images 64] [--rounds 3] [--variants a,b,…]</c>: pure vision-tower inference over
/// ready tensors through <see cref="ClipImageEncoder.EncodePreprocessed"/> with several <see cref="OnnxRuntimeOptions"/>
/// and batch sizes, one session per variant, measured ALTERNATELY round by round (every variant sees the same load).
/// One JSON line per variant: the median images/s over the rounds, each round's rate, and the load average.
/// </summary>
internal static class InferenceTuning
{
    private static readonly string[] DefaultVariants =
        ["spin-b16", "default-b16", "dbb-b16", "extended-b16", "basic-b16", "noarena-b16", "nopattern-b16", "t1-b16", "default-b1", "default-b4", "default-b8", "default-b32"];

    public static void Peak()
    {
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            foreach (var bits in new[] { 256, 512 })
            {
                if (bits == 512 && !Vector512.IsHardwareAccelerated)
                {
                    continue;
                }
                var rates = new List<double>();
                for (var round = 0; round < 5; round++)
                {
                    var clock = Stopwatch.StartNew();
                    const long Iterations = 50_000_000;
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Sink(bits == 256 ? Fma256(Iterations) : Fma512(Iterations)));
                    // 10 independent accumulators × lanes × 2 flops (multiply + add) per iteration.
                    var flops = (double)Iterations * 10 * (bits / 32) * 2 * threads;
                    rates.Add(flops / clock.Elapsed.TotalSeconds / 1e9);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"what\":\"peak\",\"threads\":{threads},\"vector_bits\":{bits},\"gflops_best\":{rates.Max():F1},\"gflops_all\":[{string.Join(',', rates.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}],\"load\":\"{Load()}\",\"utc\":\"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ssZ}\"}}"));
            }
        }
    }

    public static void Run(CompareArgs options)
    {
        var model = options.Required("model");
        var images = options.Int("images", 64);
        var rounds = options.Int("rounds", 3);
        var variants = options.Text("variants", string.Join(',', DefaultVariants)).Split(',');
        var encoders = new Dictionary<string, (ClipImageEncoder Encoder, int Batch)>();
        var rates = variants.ToDictionary(v => v, _ => new List<double>());
        try
        {
            foreach (var variant in variants)
            {
                var (runtime, batch) = Parse(variant);
                encoders[variant] = (new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = model, OnnxRuntime = runtime }), batch);
            }
            var length = encoders[variants[0]].Encoder.PreprocessedLength;
            var dimension = encoders[variants[0]].Encoder.Dimension;
            var random = new Random(5);
            var tensors = new float[images * length];
            for (var i = 0; i < tensors.Length; i++)
            {
                tensors[i] = (float)((random.NextDouble() * 4) - 2);
            }
            var embeddings = new float[images * dimension];
            foreach (var (encoder, batch) in encoders.Values)
            {
                // Warm-up: the first runs allocate the arena and plan memory for this batch size.
                encoder.EncodePreprocessed(tensors.AsSpan(0, Math.Min(batch, images) * length), Math.Min(batch, images), embeddings);
            }
            for (var round = 0; round < rounds; round++)
            {
                foreach (var variant in round % 2 == 0 ? variants : variants.Reverse())
                {
                    var (encoder, batch) = encoders[variant];
                    var clock = Stopwatch.StartNew();
                    for (var start = 0; start < images; start += batch)
                    {
                        var count = Math.Min(batch, images - start);
                        encoder.EncodePreprocessed(tensors.AsSpan(start * length, count * length), count, embeddings.AsSpan(start * dimension, count * dimension));
                    }
                    rates[variant].Add(images / clock.Elapsed.TotalSeconds);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inference: round {round + 1} {variant} {rates[variant][^1]:F2} images/s (load {Load()})"));
                }
            }
        }
        finally
        {
            foreach (var (encoder, _) in encoders.Values)
            {
                encoder.Dispose();
            }
        }
        foreach (var variant in variants)
        {
            var sorted = rates[variant].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"what\":\"inference\",\"model\":\"{Path.GetFileName(Path.TrimEndingDirectorySeparator(model))}\",\"variant\":\"{variant}\",\"images\":{images},\"images_per_s\":{sorted[sorted.Length / 2]:F2},\"images_per_s_all\":[{string.Join(',', rates[variant].Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}],\"load\":\"{Load()}\",\"utc\":\"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ssZ}\"}}"));
        }
    }

    // "<setting>[+<setting>]-b<batch>": default | extended | basic | disabled | spin | nospin | noarena | nopattern | t1 | t2 |
    // parallel | dbb (session.dynamic_block_base = 4) | dnz (denormals as zero). ConfigureSessionOptions settings do not combine.
    private static (OnnxRuntimeOptions Runtime, int Batch) Parse(string variant)
    {
        var dash = variant.LastIndexOf("-b", StringComparison.Ordinal);
        var batch = int.Parse(variant[(dash + 2)..], CultureInfo.InvariantCulture);
        var runtime = OnnxRuntimeOptions.Default;
        foreach (var setting in variant[..dash].Split('+'))
        {
            runtime = setting switch
            {
                "default" => runtime,
                "extended" => runtime with { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED },
                "basic" => runtime with { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC },
                "disabled" => runtime with { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL },
                "nospin" => runtime with { AllowThreadSpinning = false },
                "spin" => runtime with { AllowThreadSpinning = true },
                "noarena" => runtime with { EnableCpuMemoryArena = false },
                "nopattern" => runtime with { ConfigureSessionOptions = static o => o.EnableMemoryPattern = false },
                "dbb" => runtime with { ConfigureSessionOptions = static o => o.AddSessionConfigEntry("session.dynamic_block_base", "4") },
                "dnz" => runtime with { ConfigureSessionOptions = static o => o.AddSessionConfigEntry("session.set_denormal_as_zero", "1") },
                "t1" => runtime with { IntraOpThreads = 1 },
                "t2" => runtime with { IntraOpThreads = 2 },
                "parallel" => runtime with { ExecutionMode = ExecutionMode.ORT_PARALLEL },
                _ => throw new ArgumentException($"Unknown inference variant setting '{setting}'."),
            };
        }
        return (runtime, batch);
    }

    private static float Fma256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var a = Vector256.Create(1e-7f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0;
        for (var i = 0L; i < iterations; i++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, m, a);
            x1 = Vector256.FusedMultiplyAdd(x1, m, a);
            x2 = Vector256.FusedMultiplyAdd(x2, m, a);
            x3 = Vector256.FusedMultiplyAdd(x3, m, a);
            x4 = Vector256.FusedMultiplyAdd(x4, m, a);
            x5 = Vector256.FusedMultiplyAdd(x5, m, a);
            x6 = Vector256.FusedMultiplyAdd(x6, m, a);
            x7 = Vector256.FusedMultiplyAdd(x7, m, a);
            x8 = Vector256.FusedMultiplyAdd(x8, m, a);
            x9 = Vector256.FusedMultiplyAdd(x9, m, a);
        }
        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9);
    }

    private static float Fma512(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var a = Vector512.Create(1e-7f);
        Vector512<float> x0 = Vector512.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0;
        for (var i = 0L; i < iterations; i++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, m, a);
            x1 = Vector512.FusedMultiplyAdd(x1, m, a);
            x2 = Vector512.FusedMultiplyAdd(x2, m, a);
            x3 = Vector512.FusedMultiplyAdd(x3, m, a);
            x4 = Vector512.FusedMultiplyAdd(x4, m, a);
            x5 = Vector512.FusedMultiplyAdd(x5, m, a);
            x6 = Vector512.FusedMultiplyAdd(x6, m, a);
            x7 = Vector512.FusedMultiplyAdd(x7, m, a);
            x8 = Vector512.FusedMultiplyAdd(x8, m, a);
            x9 = Vector512.FusedMultiplyAdd(x9, m, a);
        }
        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9);
    }

    private static volatile float _sink;

    private static void Sink(float value) => _sink = value;

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
