using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using VectorImageSearch.Benchmarks.Corpus;
using VectorImageSearch.Onnx;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// Pure inference at the cost of CLIP ViT-B/32: text (tokenize + run + normalise) and image encoding of ready tensors
/// at batch 1, 8 and 32, on the random-weight ViT-B/32 folder that <c>benchmarks/models/make_clip_model.py</c> writes
/// into the benchmark cache (run it once first). <see cref="EncoderBenchmarks"/> is the same on the demo models.
/// Run: <c>dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*RealSizeClip*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 7, invocationCount: 1)]
public class RealSizeClipBenchmarks
{
    private ClipTextEncoder _text = null!;
    private ClipImageEncoder _image = null!;
    private float[] _pixels = null!;
    private float[] _embeddings = null!;
    private string[] _texts = null!;

    /// <summary>Texts or images per model run.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    /// <summary>The model folder make_clip_model.py writes.</summary>
    public static string ModelFolder => Path.Combine(JpegCorpus.CacheRoot, "models", "clip-vit-b32-random");

    /// <summary>Loads the ViT-B/32-sized encoders and preprocesses 32 shapes once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(Path.Combine(ModelFolder, "onnx", "vision_model.onnx")))
        {
            throw new InvalidOperationException(
                $"{ModelFolder} is missing: run benchmarks/models/make_clip_model.py --preset vit-b32 first (needs python3-onnx).");
        }
        _text = new ClipTextEncoder(ModelFolder);
        _image = new ClipImageEncoder(ModelFolder);
        _pixels = ShapeTensors.Preprocess(_image, 32);
        _embeddings = new float[32 * _image.Dimension];
        string[] captions = ["a dog on the beach", "a red car parked in front of an old house at night", "two cats", "a bowl of fruit on a wooden table"];
        _texts = Enumerable.Range(0, 32).Select(i => captions[i % captions.Length]).ToArray();
    }

    /// <summary>Releases the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _text.Dispose();
        _image.Dispose();
    }

    /// <summary>ViT-B/32-sized text tower: <see cref="Batch"/> captions per run.</summary>
    [Benchmark]
    public float[][] Text() => _text.EncodeBatch(_texts.AsSpan(0, Batch).ToArray());

    /// <summary>ViT-B/32 vision tower on <see cref="Batch"/> preprocessed images.</summary>
    [Benchmark]
    public float ImagePreprocessed()
    {
        _image.EncodePreprocessed(_pixels.AsSpan(0, Batch * _image.PreprocessedLength), Batch, _embeddings);
        return _embeddings[0];
    }
}
