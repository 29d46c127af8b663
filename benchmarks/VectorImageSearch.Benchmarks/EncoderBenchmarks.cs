using BenchmarkDotNet.Attributes;
using VectorImageSearch.Onnx;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Benchmarks;

/// <summary>
/// Pure inference of the demo encoders through our ONNX Runtime binding: CLIP text (tokenize + run + normalise) and
/// image encoding of already-preprocessed tensors at batch 1, 8 and 32 (no decoding), for the tiny CLIP vision tower
/// and the tiny ResNet. Run: <c>dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*Encoder*'</c>.
/// </summary>
[MemoryDiagnoser]
public class EncoderBenchmarks
{
    private ClipTextEncoder _text = null!;
    private ClipImageEncoder _clipImage = null!;
    private OnnxImageEncoder _resnet = null!;
    private float[] _pixels = null!;
    private float[] _clipEmbeddings = null!;
    private float[] _resnetEmbeddings = null!;
    private string[] _texts = null!;

    /// <summary>Images per model run.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    /// <summary>Loads the encoders and preprocesses 32 shapes once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _text = new ClipTextEncoder(RepoPaths.ClipTinyShapes);
        _clipImage = new ClipImageEncoder(RepoPaths.ClipTinyShapes);
        _resnet = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes, ImageEncoderPreset.ResNet50);
        // Both demo models take 3×224×224; the CLIP recipe's tensors serve both for timing.
        _pixels = ShapeTensors.Preprocess(_clipImage, 32);
        _clipEmbeddings = new float[32 * _clipImage.Dimension];
        _resnetEmbeddings = new float[32 * _resnet.Dimension];
        string[] captions = ["a red circle", "a small blue star on a beige background", "a photo of a green triangle", "a heart that is pink"];
        _texts = Enumerable.Range(0, 32).Select(i => captions[i % captions.Length]).ToArray();
    }

    /// <summary>Releases the sessions.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _text.Dispose();
        _clipImage.Dispose();
        _resnet.Dispose();
    }

    /// <summary>CLIP text: <see cref="Batch"/> captions per run.</summary>
    [Benchmark]
    public float[][] ClipText() => _text.EncodeBatch(_texts.AsSpan(0, Batch).ToArray());

    /// <summary>CLIP vision tower on <see cref="Batch"/> preprocessed images.</summary>
    [Benchmark]
    public float ClipImagePreprocessed()
    {
        _clipImage.EncodePreprocessed(_pixels.AsSpan(0, Batch * _clipImage.PreprocessedLength), Batch, _clipEmbeddings);
        return _clipEmbeddings[0];
    }

    /// <summary>Tiny ResNet (ResNet50 preset) on <see cref="Batch"/> preprocessed images.</summary>
    [Benchmark]
    public float ResNetPreprocessed()
    {
        _resnet.EncodePreprocessed(_pixels.AsSpan(0, Batch * _resnet.PreprocessedLength), Batch, _resnetEmbeddings);
        return _resnetEmbeddings[0];
    }
}
