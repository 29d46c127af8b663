using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Runs an image model on preprocessed NCHW batches and writes pooled, L2-normalised embeddings: the input, output,
/// pooling and dimension are found and checked once, when the model is loaded. Float16 inputs and outputs are
/// converted; a model with a fixed batch size runs at that size (a smaller batch is padded). Thread-safe.
/// </summary>
internal sealed unsafe partial class ImageEmbeddingModel : IDisposable
{
    private readonly ModelSession _session;
    private readonly int _pixelInput;
    private readonly int _output;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _extraInputs;
    private readonly bool _prebindOutput;
    private readonly int _fixedBatch;

    private ImageEmbeddingModel(ModelSession session, string modelFile, PreprocessRecipe recipe, ImageModelSelection selection, int maxBatchSize)
    {
        _session = session;
        ModelFile = modelFile;
        Recipe = recipe;
        _pixelInput = SelectInput(selection);
        _fixedBatch = session.Inputs[_pixelInput].FixedBatch;
        MaxBatchSize = _fixedBatch > 0 ? _fixedBatch : maxBatchSize;
        var extras = ImageModelConstants.Create(session, _pixelInput, selection.Purpose);
        _extraInputs = extras.Values;
        _inputNames = [session.Inputs[_pixelInput].Name, .. extras.Names];
        _output = SelectOutput(selection);
        _outputNames = [session.Outputs[_output].Name];
        var output = session.Outputs[_output];
        Pooling = ResolvePooling(output, selection);
        var declared = Pooling switch
        {
            EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens => output.Dimensions[2],
            _ => output.Dimensions[1],
        };
        Dimension = declared > 0 ? checked((int)declared) : ProbeDimension();
        if (Dimension <= 0)
        {
            throw new ModelLoadException(modelFile, $"output '{output}' has no features (dimension {Dimension}).");
        }
        _prebindOutput = Pooling == EmbeddingPooling.None && declared > 0;
    }

    /// <summary>The ONNX file.</summary>
    public string ModelFile { get; }

    /// <summary>How images are turned into the input tensor.</summary>
    public PreprocessRecipe Recipe { get; }

    /// <summary>The largest number of images given to the model in one run (its fixed batch size, when it has one); larger batches are split.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The model's fixed batch size, or 0 when its batch axis is dynamic.</summary>
    public int FixedBatch => _fixedBatch;

    /// <summary>The embedding length.</summary>
    public int Dimension { get; }

    /// <summary>The pooling applied to the output (never <see cref="EmbeddingPooling.Auto"/>).</summary>
    public EmbeddingPooling Pooling { get; }

    /// <summary>The execution provider the model runs on.</summary>
    public OnnxExecutionProvider Provider => _session.Provider;

    /// <summary>The output used.</summary>
    public ModelTensorInfo Output => _session.Outputs[_output];

    /// <summary>The pixel input used.</summary>
    public ModelTensorInfo Input => _session.Inputs[_pixelInput];

    /// <summary>Floats per preprocessed image.</summary>
    public int PreprocessedLength => Recipe.TensorLength;

    /// <summary>A description of the choices, for fingerprints.</summary>
    public string Settings => $"input={Input.Name};output={Output.Name};pooling={Pooling};recipe={Recipe}";

    /// <summary>Loads <paramref name="modelFile"/> and checks it fits <paramref name="selection"/> and <paramref name="recipe"/>.</summary>
    /// <exception cref="ModelLoadException">ONNX Runtime cannot load the file, or its inputs or outputs do not fit; the message names the file and the problem.</exception>
    public static ImageEmbeddingModel Load(string modelFile, PreprocessRecipe recipe, ImageModelSelection selection, OnnxRuntimeOptions runtime,
        int maxBatchSize, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        var session = ModelSession.Open(modelFile, runtime, logger);
        try
        {
            var model = new ImageEmbeddingModel(session, modelFile, recipe, selection, maxBatchSize);
            if (model._fixedBatch > 0)
            {
                logger.LogInformation("Model {File} has a fixed batch size of {Batch}: it runs {Batch} image(s) at a time, padding smaller batches.",
                    modelFile, model._fixedBatch, model._fixedBatch);
            }
            return model;
        }
        catch (InvalidOperationException e)
        {
            session.Dispose();
            throw new ModelLoadException(modelFile, $"a trial run failed: {e.Message}", e);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Embeds <paramref name="count"/> preprocessed images laid end to end in <paramref name="pixels"/> into
    /// <paramref name="embeddings"/> (<paramref name="count"/> × <see cref="Dimension"/> floats, L2-normalised).
    /// </summary>
    public void Encode(ReadOnlySpan<float> pixels, int count, Span<float> embeddings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var length = PreprocessedLength;
        if (pixels.Length < (long)count * length)
        {
            throw new ArgumentException($"{count} images need {(long)count * length} floats of pixels; {pixels.Length} were given.", nameof(pixels));
        }
        if (embeddings.Length < (long)count * Dimension)
        {
            throw new ArgumentException($"{count} embeddings need {(long)count * Dimension} floats; {embeddings.Length} were given.", nameof(embeddings));
        }
        for (var start = 0; start < count; start += MaxBatchSize)
        {
            var n = Math.Min(MaxBatchSize, count - start);
            var rows = embeddings.Slice(start * Dimension, n * Dimension);
            RunBatch(pixels.Slice(start * length, n * length), n, rows, cancellationToken);
            EmbeddingMath.NormalizeRows(rows, Dimension);
        }
    }

    /// <summary>Releases the session and the constant inputs.</summary>
    public void Dispose()
    {
        _session.Dispose();
        foreach (var value in _extraInputs)
        {
            value.Dispose();
        }
    }

    private void RunBatch(ReadOnlySpan<float> pixels, int n, Span<float> destination, CancellationToken cancellationToken)
    {
        // A fixed-batch model always gets its batch size: the rows past n are zeros and their outputs are dropped.
        var rows = _fixedBatch > 0 ? _fixedBatch : n;
        var length = PreprocessedLength;
        var half = Input.ElementType == TensorElementType.Float16;
        float[]? paddedFloats = null;
        Half[]? halves = null;
        try
        {
            if (half)
            {
                halves = ArrayPool<Half>.Shared.Rent(rows * length);
                TensorPrimitives.ConvertToHalf(pixels, halves);
                halves.AsSpan(pixels.Length, (rows - n) * length).Clear();
            }
            else if (rows != n)
            {
                paddedFloats = ArrayPool<float>.Shared.Rent(rows * length);
                pixels.CopyTo(paddedFloats);
                paddedFloats.AsSpan(pixels.Length, (rows - n) * length).Clear();
            }
            fixed (float* floatInput = paddedFloats is null ? pixels : paddedFloats)
            fixed (Half* halfInput = halves)
            {
                long[] shape = [rows, 3, Recipe.OutputHeight, Recipe.OutputWidth];
                using var input = half
                    ? TensorValues.Over(halfInput, rows * length, shape, TensorElementType.Float16)
                    : TensorValues.Over(floatInput, rows * length, shape, TensorElementType.Float);
                var inputs = new OrtValue[1 + _extraInputs.Length];
                inputs[0] = input;
                _extraInputs.CopyTo(inputs, 1);
                if (_prebindOutput)
                {
                    RunPrebound(inputs, n, rows, destination, cancellationToken);
                }
                else
                {
                    RunAllocated(inputs, n, rows, destination, cancellationToken);
                }
            }
        }
        finally
        {
            if (paddedFloats is not null)
            {
                ArrayPool<float>.Shared.Return(paddedFloats);
            }
            if (halves is not null)
            {
                ArrayPool<Half>.Shared.Return(halves);
            }
        }
    }

    /// <summary>The output is [N, D] with a known D: ONNX Runtime writes it in place (into the destination itself for float and no padding).</summary>
    private void RunPrebound(OrtValue[] inputs, int n, int rows, Span<float> destination, CancellationToken cancellationToken)
    {
        var half = Output.ElementType == TensorElementType.Float16;
        var cells = rows * Dimension;
        float[]? floats = null;
        Half[]? halves = null;
        try
        {
            if (half)
            {
                halves = ArrayPool<Half>.Shared.Rent(cells);
            }
            else if (rows != n)
            {
                floats = ArrayPool<float>.Shared.Rent(cells);
            }
            fixed (float* direct = destination)
            fixed (float* padded = floats)
            fixed (Half* halfOutput = halves)
            {
                long[] shape = [rows, Dimension];
                using var output = half
                    ? TensorValues.Over(halfOutput, cells, shape, TensorElementType.Float16)
                    : TensorValues.Over(floats is null ? direct : padded, cells, shape, TensorElementType.Float);
                _session.Run(_inputNames, inputs, _outputNames, [output], cancellationToken);
            }
            if (halves is not null)
            {
                TensorPrimitives.ConvertToSingle(halves.AsSpan(0, n * Dimension), destination);
            }
            else
            {
                floats?.AsSpan(0, n * Dimension).CopyTo(destination);
            }
        }
        finally
        {
            if (floats is not null)
            {
                ArrayPool<float>.Shared.Return(floats);
            }
            if (halves is not null)
            {
                ArrayPool<Half>.Shared.Return(halves);
            }
        }
    }

    /// <summary>The output needs pooling or has an unknown width: ONNX Runtime allocates it, then it is pooled into the destination.</summary>
    private void RunAllocated(OrtValue[] inputs, int n, int rows, Span<float> destination, CancellationToken cancellationToken)
    {
        using var results = _session.Run(_inputNames, inputs, _outputNames, cancellationToken);
        var result = results.First();
        var shape = result.GetTensorTypeAndShape().Shape;
        CheckResultShape(shape, rows);
        float[]? converted = null;
        float[]? pooled = null;
        try
        {
            var data = TensorValues.ReadFloats(result, ModelFile, Output.Name, ref converted);
            if (rows == n)
            {
                EmbeddingMath.Pool(data, shape, Pooling, destination);
            }
            else
            {
                pooled = ArrayPool<float>.Shared.Rent(rows * Dimension);
                EmbeddingMath.Pool(data, shape, Pooling, pooled.AsSpan(0, rows * Dimension));
                pooled.AsSpan(0, n * Dimension).CopyTo(destination);
            }
        }
        finally
        {
            if (converted is not null)
            {
                ArrayPool<float>.Shared.Return(converted);
            }
            if (pooled is not null)
            {
                ArrayPool<float>.Shared.Return(pooled);
            }
        }
    }

    private void CheckResultShape(long[] shape, int n)
    {
        var expectedRank = PoolingRank(Pooling);
        var width = Pooling is EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens ? shape.Length == 3 ? shape[2] : -1 : shape.Length > 1 ? shape[1] : -1;
        if (shape.Length != expectedRank || shape[0] != n || width != Dimension
            || (Pooling is EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens && shape[1] < 1))
        {
            throw new InvalidOperationException(
                $"Model '{ModelFile}' returned [{string.Join(", ", shape)}] from output '{Output.Name}' for {n} images; " +
                $"expected a rank-{expectedRank} tensor of {n} items with {Dimension} features.");
        }
    }

    private int ProbeDimension()
    {
        var rows = Math.Max(_fixedBatch, 1);
        var zeros = new float[rows * PreprocessedLength];
        fixed (float* pixels = zeros)
        {
            long[] shape = [rows, 3, Recipe.OutputHeight, Recipe.OutputWidth];
            var half = Input.ElementType == TensorElementType.Float16;
            var halves = half ? new Half[zeros.Length] : null;
            fixed (Half* halfPixels = halves)
            {
                using var input = half
                    ? TensorValues.Over(halfPixels, zeros.Length, shape, TensorElementType.Float16)
                    : TensorValues.Over(pixels, zeros.Length, shape, TensorElementType.Float);
                OrtValue[] inputs = [input, .. _extraInputs];
                using var results = _session.Run(_inputNames, inputs, _outputNames, CancellationToken.None);
                var result = results.First().GetTensorTypeAndShape().Shape;
                return Pooling is EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens
                    ? result.Length == 3 ? (int)result[2] : -1
                    : result.Length > 1 ? (int)result[1] : -1;
            }
        }
    }
}
