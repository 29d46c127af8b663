using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Runtime;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Runs an image model on preprocessed NCHW batches and writes pooled, L2-normalised embeddings: the input, output,
/// pooling and dimension are found and checked once, when the model is loaded. Thread-safe.
/// </summary>
internal sealed unsafe class ImageEmbeddingModel : IDisposable
{
    private const long ClipStartToken = 49406;
    private const long ClipEndToken = 49407;

    private readonly OnnxSession _session;
    private readonly int _pixelInput;
    private readonly int _output;
    private readonly int[] _extraInputIndices;
    private readonly OnnxTensor[] _extraInputs;
    private readonly bool _prebindOutput;

    private ImageEmbeddingModel(OnnxSession session, string modelFile, PreprocessRecipe recipe, ImageModelSelection selection, int maxBatchSize)
    {
        _session = session;
        ModelFile = modelFile;
        Recipe = recipe;
        MaxBatchSize = maxBatchSize;
        _pixelInput = SelectInput(selection);
        (_extraInputIndices, _extraInputs) = CreateExtraInputs(selection);
        _output = SelectOutput(selection);
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

    /// <summary>The largest number of images given to the model in one run; larger batches are split.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The embedding length.</summary>
    public int Dimension { get; }

    /// <summary>The pooling applied to the output (never <see cref="EmbeddingPooling.Auto"/>).</summary>
    public EmbeddingPooling Pooling { get; }

    /// <summary>The output used.</summary>
    public OnnxTensorInfo Output => _session.Outputs[_output];

    /// <summary>The pixel input used.</summary>
    public OnnxTensorInfo Input => _session.Inputs[_pixelInput];

    /// <summary>Floats per preprocessed image.</summary>
    public int PreprocessedLength => Recipe.TensorLength;

    /// <summary>A description of the choices, for fingerprints.</summary>
    public string Settings => $"input={Input.Name};output={Output.Name};pooling={Pooling};recipe={Recipe}";

    /// <summary>Loads <paramref name="modelFile"/> and checks it fits <paramref name="selection"/> and <paramref name="recipe"/>.</summary>
    /// <exception cref="ModelLoadException">ONNX Runtime cannot load the file, or its inputs or outputs do not fit; the message names the file and the problem.</exception>
    public static ImageEmbeddingModel Load(string modelFile, PreprocessRecipe recipe, ImageModelSelection selection, OnnxSessionOptions sessionOptions, int maxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        var session = ModelFiles.OpenSession(modelFile, sessionOptions);
        try
        {
            return new ImageEmbeddingModel(session, modelFile, recipe, selection, maxBatchSize);
        }
        catch (OnnxRuntimeException e)
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
        fixed (float* pixelBase = pixels)
        fixed (float* embeddingBase = embeddings)
        {
            for (var start = 0; start < count; start += MaxBatchSize)
            {
                var n = Math.Min(MaxBatchSize, count - start);
                RunBatch(pixelBase + (long)start * length, n, embeddingBase + (long)start * Dimension, cancellationToken);
                EmbeddingMath.NormalizeRows(new Span<float>(embeddingBase + (long)start * Dimension, n * Dimension), Dimension);
            }
        }
    }

    /// <summary>Releases the session and the constant inputs.</summary>
    public void Dispose()
    {
        _session.Dispose();
        foreach (var tensor in _extraInputs)
        {
            tensor.Dispose();
        }
    }

    private void RunBatch(float* pixels, int n, float* destination, CancellationToken cancellationToken)
    {
        ReadOnlySpan<long> shape = [n, 3, Recipe.OutputHeight, Recipe.OutputWidth];
        using var input = OnnxTensor.FromPointer(pixels, checked(n * PreprocessedLength), shape);
        var inputs = new OnnxTensor[1 + _extraInputs.Length];
        var indices = new int[inputs.Length];
        inputs[0] = input;
        indices[0] = _pixelInput;
        _extraInputs.CopyTo(inputs, 1);
        _extraInputIndices.CopyTo(indices, 1);
        var outputs = new OnnxTensor?[1];
        using var bound = _prebindOutput ? OnnxTensor.FromPointer(destination, n * Dimension, [n, Dimension]) : null;
        outputs[0] = bound;
        _session.Run(indices, inputs, [_output], outputs, cancellationToken);
        if (bound is not null)
        {
            return;
        }
        using var result = outputs[0]!;
        CheckResultShape(result, n);
        EmbeddingMath.Pool(result.GetData<float>(), result.Shape, Pooling, new Span<float>(destination, n * Dimension));
    }

    private void CheckResultShape(OnnxTensor result, int n)
    {
        var shape = result.Shape;
        var expectedRank = Pooling switch
        {
            EmbeddingPooling.None => 2,
            EmbeddingPooling.GlobalAverage => 4,
            _ => 3,
        };
        var width = Pooling is EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens ? shape.Length == 3 ? shape[2] : -1 : shape.Length > 1 ? shape[1] : -1;
        if (result.ElementType != OnnxElementType.Float || shape.Length != expectedRank || shape[0] != n || width != Dimension
            || (Pooling is EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens && shape[1] < 1))
        {
            throw new InvalidOperationException(
                $"Model '{ModelFile}' returned {result.ElementType}[{string.Join(", ", shape.ToArray())}] from output '{Output.Name}' for {n} images; " +
                $"expected a rank-{expectedRank} float tensor of {n} items with {Dimension} features.");
        }
    }

    private int SelectInput(ImageModelSelection selection)
    {
        int index;
        if (selection.InputName is { } name)
        {
            index = _session.GetInputIndex(name);
            if (index < 0)
            {
                throw new ModelLoadException(ModelFile, $"the model has no input '{name}'; its inputs are {OnnxSession.Describe(_session.Inputs)}.");
            }
        }
        else
        {
            index = _session.GetInputIndex("pixel_values");
            if (index < 0)
            {
                var candidates = Enumerable.Range(0, _session.Inputs.Count)
                    .Where(i => _session.Inputs[i].IsTensor && _session.Inputs[i].ElementType == OnnxElementType.Float && _session.Inputs[i].Rank == 4)
                    .ToList();
                if (candidates.Count != 1)
                {
                    throw new ModelLoadException(ModelFile,
                        $"the {selection.Purpose} needs one [N, 3, H, W] float image input (or one named pixel_values), but the model's inputs are {OnnxSession.Describe(_session.Inputs)}.");
                }
                index = candidates[0];
            }
        }
        var info = _session.Inputs[index];
        var fits = info.IsTensor && info.ElementType == OnnxElementType.Float && info.Rank == 4
            && info.Dimensions[1] is -1 or 3
            && (info.Dimensions[2] == -1 || info.Dimensions[2] == Recipe.OutputHeight)
            && (info.Dimensions[3] == -1 || info.Dimensions[3] == Recipe.OutputWidth);
        if (!fits)
        {
            throw new ModelLoadException(ModelFile,
                $"input '{info}' does not take the [N, 3, {Recipe.OutputHeight}, {Recipe.OutputWidth}] float images the {selection.Purpose} feeds " +
                $"(preprocessing recipe {Recipe.ProcessorType}, {Recipe.OutputWidth}×{Recipe.OutputHeight}).");
        }
        return index;
    }

    /// <summary>Constant inputs for the text side of a combined CLIP graph (a start and an end token), so the image side can run.</summary>
    private (int[] Indices, OnnxTensor[] Tensors) CreateExtraInputs(ImageModelSelection selection)
    {
        var indices = new List<int>();
        var tensors = new List<OnnxTensor>();
        try
        {
            for (var i = 0; i < _session.Inputs.Count; i++)
            {
                if (i == _pixelInput)
                {
                    continue;
                }
                var info = _session.Inputs[i];
                var isTokenInput = info.Name is "input_ids" or "attention_mask" or "position_ids";
                if (!isTokenInput || !info.IsTensor || info.Rank != 2 || info.ElementType is not (OnnxElementType.Int64 or OnnxElementType.Int32))
                {
                    throw new ModelLoadException(ModelFile,
                        $"the model also needs input '{info}', which the {selection.Purpose} cannot feed (it feeds images, and dummy input_ids/attention_mask/position_ids to a combined CLIP graph).");
                }
                var length = info.Dimensions[1] > 0 ? (int)info.Dimensions[1] : 2;
                var values = new long[length];
                for (var t = 0; t < length; t++)
                {
                    values[t] = info.Name switch
                    {
                        "input_ids" => t == 0 ? ClipStartToken : t == 1 ? ClipEndToken : 0,
                        "attention_mask" => t < 2 ? 1 : 0,
                        _ => t,
                    };
                }
                tensors.Add(info.ElementType == OnnxElementType.Int64
                    ? OnnxTensor.FromArray(values, 1, length)
                    : OnnxTensor.FromArray(values.Select(v => (int)v).ToArray(), 1, length));
                indices.Add(i);
            }
            return (indices.ToArray(), tensors.ToArray());
        }
        catch
        {
            tensors.ForEach(t => t.Dispose());
            throw;
        }
    }

    private int SelectOutput(ImageModelSelection selection)
    {
        var outputs = _session.Outputs;
        if (selection.OutputName is { } name)
        {
            var index = _session.GetOutputIndex(name);
            return index >= 0 ? index
                : throw new ModelLoadException(ModelFile, $"the model has no output '{name}'; its outputs are {OnnxSession.Describe(outputs)}.");
        }
        foreach (var preferred in selection.PreferredOutputs)
        {
            var index = _session.GetOutputIndex(preferred);
            if (index >= 0)
            {
                return index;
            }
        }
        foreach (var rank in selection.RankPreference)
        {
            var matches = Enumerable.Range(0, outputs.Count)
                .Where(i => outputs[i].IsTensor && outputs[i].ElementType == OnnxElementType.Float && outputs[i].Rank == rank)
                .OrderBy(i => outputs[i].Name.Contains("pool", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ToList();
            if (matches.Count > 0)
            {
                return matches[0];
            }
        }
        var wanted = string.Join(" or ", selection.PreferredOutputs.Select(n => $"'{n}'").Concat(selection.RankPreference.Select(RankShape)));
        throw new ModelLoadException(ModelFile,
            $"the model has no output the {selection.Purpose} can use (it needs {wanted}); its outputs are {OnnxSession.Describe(outputs)}.");
    }

    private EmbeddingPooling ResolvePooling(OnnxTensorInfo output, ImageModelSelection selection)
    {
        if (!output.IsTensor || output.ElementType != OnnxElementType.Float)
        {
            throw new ModelLoadException(ModelFile, $"output '{output}' is not a float tensor, so it is not an embedding the {selection.Purpose} can use.");
        }
        var pooling = selection.Pooling;
        if (pooling == EmbeddingPooling.Auto)
        {
            pooling = output.Rank switch
            {
                2 => EmbeddingPooling.None,
                3 => EmbeddingPooling.ClsToken,
                4 => EmbeddingPooling.GlobalAverage,
                _ => EmbeddingPooling.Auto,
            };
        }
        var rankFits = pooling switch
        {
            EmbeddingPooling.None => output.Rank == 2,
            EmbeddingPooling.GlobalAverage => output.Rank == 4,
            EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens => output.Rank == 3,
            _ => false,
        };
        if (!rankFits)
        {
            var needed = selection.Pooling == EmbeddingPooling.Auto ? "[N, D], [N, C, H, W] or [N, T, D]" : RankShape(PoolingRank(selection.Pooling));
            throw new ModelLoadException(ModelFile,
                $"output '{output}' is {output.Rank}-D, not an embedding per image: the {selection.Purpose} needs a {needed} float output" +
                (selection.Pooling == EmbeddingPooling.Auto ? "." : $" for {selection.Pooling} pooling."));
        }
        if (output.Dimensions[0] > 1)
        {
            throw new ModelLoadException(ModelFile, $"output '{output}' has a fixed batch of {output.Dimensions[0]}; the {selection.Purpose} needs a dynamic batch axis.");
        }
        return pooling;
    }

    private int ProbeDimension()
    {
        var zeros = new float[PreprocessedLength];
        var inputs = new OnnxTensor[1 + _extraInputs.Length];
        var indices = new int[inputs.Length];
        using var input = OnnxTensor.FromArray(zeros, 1, 3, Recipe.OutputHeight, Recipe.OutputWidth);
        inputs[0] = input;
        indices[0] = _pixelInput;
        _extraInputs.CopyTo(inputs, 1);
        _extraInputIndices.CopyTo(indices, 1);
        var outputs = new OnnxTensor?[1];
        _session.Run(indices, inputs, [_output], outputs);
        using var result = outputs[0]!;
        var shape = result.Shape;
        return Pooling is EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens
            ? shape.Length == 3 ? (int)shape[2] : -1
            : shape.Length > 1 ? (int)shape[1] : -1;
    }

    private static int PoolingRank(EmbeddingPooling pooling) => pooling switch
    {
        EmbeddingPooling.None => 2,
        EmbeddingPooling.GlobalAverage => 4,
        _ => 3,
    };

    private static string RankShape(int rank) => rank switch
    {
        2 => "[N, D]",
        3 => "[N, T, D]",
        4 => "[N, C, H, W]",
        _ => $"rank-{rank}",
    };
}
