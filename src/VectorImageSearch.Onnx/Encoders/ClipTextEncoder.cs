using System.Buffers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Encoders;
using VectorImageSearch.Onnx.Inference;
using VectorImageSearch.Onnx.Text;

namespace VectorImageSearch.Onnx;

/// <summary>
/// CLIP's text tower: text → L2-normalised embeddings in the space of <see cref="ClipImageEncoder"/>. Tokenizes with
/// the folder's CLIP tokenizer and runs <c>onnx/text_model.onnx</c> (or a combined <c>model.onnx</c>, feeding its image
/// input a dummy) or Immich's <c>textual/model.onnx</c>, with the inputs the model declares: <c>input_ids</c> (int64 or int32; Immich's <c>text</c>), <c>attention_mask</c> and
/// <c>position_ids</c> when present. A model with a fixed batch size runs at that size; a float16 output is converted. The sequence length is the model's when it is fixed, otherwise the shortest that
/// fits the longest text of the batch (at most the context length, 77 for CLIP). Reads <c>text_embeds</c> (else
/// <c>pooler_output</c>, else Immich's <c>embedding</c>). Thread-safe; runs on the calling thread (the async methods complete synchronously).
/// </summary>
public sealed partial class ClipTextEncoder : ITextEncoder, IEmbeddingGenerator<string, Embedding<float>>, IDisposable
{
    private readonly ClipTokenizer _tokenizer;
    private readonly ModelSession _session;
    private readonly int _idsInput;
    private readonly bool _ids32;
    private readonly int _maskInput;
    private readonly bool _mask32;
    private readonly int _positionInput;
    private readonly bool _positions32;
    private readonly int _output;
    private readonly int _fixedLength;
    private readonly int _fixedBatch;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _extraInputs;
    private readonly bool _prebindOutput;
    private readonly Lazy<string> _fingerprint;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Loads the text tower and tokenizer of the CLIP model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <exception cref="ModelLoadException">The folder, its text model or its tokenizer files are missing or unusable, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipTextEncoder(string modelFolder)
        : this(new ClipEncoderOptions { ModelFolder = modelFolder })
    {
    }

    /// <summary>Loads the text tower and tokenizer with <paramref name="options"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <exception cref="ModelLoadException">The folder, its text model or its tokenizer files are missing or unusable, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipTextEncoder(ClipEncoderOptions options)
        : this(options, null)
    {
    }

    /// <summary>Loads the text tower and tokenizer with <paramref name="options"/>, logging to <paramref name="loggerFactory"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <param name="loggerFactory">Receives the CPU-fallback warning and the fixed-batch note; null for none.</param>
    /// <exception cref="ModelLoadException">The folder, its text model or its tokenizer files are missing or unusable, or the execution provider cannot load (the message names the missing package or libraries) without <see cref="OnnxRuntimeOptions.FallbackToCpu"/>.</exception>
    public ClipTextEncoder(ClipEncoderOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        var logger = (ILogger?)loggerFactory?.CreateLogger<ClipTextEncoder>() ?? NullLogger.Instance;
        var folder = ModelFiles.RequireFolder(options.ModelFolder);
        ModelFolder = folder;
        ModelFile = ModelFiles.FindClipTower(folder, "text_model.onnx", "text", options.ModelVariant);
        _tokenizer = ModelFiles.LoadClipTokenizer(folder);
        _session = ModelSession.Open(ModelFile, options.OnnxRuntime ?? OnnxRuntimeOptions.Default, logger);
        _extraInputs = [];
        _inputNames = [];
        _outputNames = [];
        try
        {
            // Hugging Face exports call the ids input_ids; Immich's (open_clip) exports call them text.
            (_idsInput, _ids32) = _session.GetInputIndex("input_ids") < 0 && _session.GetInputIndex("text") >= 0
                ? FindTokenInput("text", required: true)
                : FindTokenInput("input_ids", required: true);
            (_maskInput, _mask32) = FindTokenInput("attention_mask", required: false);
            (_positionInput, _positions32) = FindTokenInput("position_ids", required: false);
            var ids = _session.Inputs[_idsInput];
            _fixedLength = ids.Dimensions[1] > 0 ? checked((int)ids.Dimensions[1]) : 0;
            _fixedBatch = ids.FixedBatch;
            MaxBatchSize = _fixedBatch > 0 ? _fixedBatch : options.MaxBatchSize;
            List<int> textInputs = [_idsInput, _maskInput, _positionInput];
            var dummies = ImageModelConstants.CreateImageDummies(_session, textInputs);
            _extraInputs = dummies.Values;
            List<string> names = [ids.Name];
            if (_maskInput >= 0)
            {
                names.Add(_session.Inputs[_maskInput].Name);
            }
            if (_positionInput >= 0)
            {
                names.Add(_session.Inputs[_positionInput].Name);
            }
            _inputNames = [.. names, .. dummies.Names];
            _output = FindOutput();
            _outputNames = [_session.Outputs[_output].Name];
            var declared = _session.Outputs[_output].Dimensions[1];
            Dimension = declared > 0 ? checked((int)declared) : ProbeDimension();
            _prebindOutput = declared > 0 && _session.Outputs[_output].ElementType == TensorElementType.Float;
            if (_fixedBatch > 0)
            {
                logger.LogInformation("Model {File} has a fixed batch size of {Batch}: it runs {Batch} text(s) at a time, padding smaller batches.",
                    ModelFile, _fixedBatch, _fixedBatch);
            }
        }
        catch (InvalidOperationException e)
        {
            Dispose();
            throw new ModelLoadException(ModelFile, $"a trial run failed: {e.Message}", e);
        }
        catch
        {
            Dispose();
            throw;
        }
        var name = ModelFiles.NameOf(folder);
        ModelName = name;
        _fingerprint = new Lazy<string>(() => ModelFingerprints.Compute(name, folder, ModelFiles.ClipFingerprintFiles(folder), string.Empty));
        _metadata = new EmbeddingGeneratorMetadata("VectorImageSearch.Onnx", null, name, Dimension);
    }

    /// <summary>The model folder.</summary>
    public string ModelFolder { get; }

    /// <summary>The ONNX file that runs.</summary>
    public string ModelFile { get; }

    /// <summary>The model's name (the folder's name).</summary>
    public string ModelName { get; }

    /// <summary>The most texts given to the model in one run; larger batches are split.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The longest token sequence, start and end tokens included: the model's fixed length, else the tokenizer's context length.</summary>
    public int MaxSequenceLength => _fixedLength > 0 ? _fixedLength : _tokenizer.ContextLength;

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>
    /// <c>{folder name}@sha256:{digest}</c> over the folder's ONNX files, tokenizer files and <c>preprocessor_config.json</c>; the same as
    /// the <see cref="ClipImageEncoder"/> of the same folder. Computed on first use (whole files are hashed), then kept.
    /// </summary>
    public string ModelFingerprint => _fingerprint.Value;

    /// <summary>Embeds one text.</summary>
    /// <param name="text">Any string; text beyond the context length is cut.</param>
    /// <returns>The L2-normalised embedding.</returns>
    public float[] Encode(string text) => EncodeBatch([text])[0];

    /// <summary>Embeds several texts; results are in input order.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Cancels between and during model runs.</param>
    /// <returns>One L2-normalised embedding per text.</returns>
    public float[][] EncodeBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var embeddings = new float[texts.Count * Dimension];
        Encode(texts, embeddings, cancellationToken);
        return EmbeddingMath.SplitRows(embeddings, Dimension);
    }

    /// <summary>Embeds <paramref name="texts"/> into <paramref name="embeddings"/> (texts × <see cref="Dimension"/> floats, row per text).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="embeddings">The destination.</param>
    /// <param name="cancellationToken">Cancels between and during model runs.</param>
    public void Encode(IReadOnlyList<string> texts, Span<float> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (embeddings.Length < (long)texts.Count * Dimension)
        {
            throw new ArgumentException($"{texts.Count} embeddings need {(long)texts.Count * Dimension} floats; {embeddings.Length} were given.", nameof(embeddings));
        }
        for (var start = 0; start < texts.Count; start += MaxBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(MaxBatchSize, texts.Count - start);
            RunBatch(texts, start, n, embeddings.Slice(start * Dimension, n * Dimension), cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task<float[]> EncodeAsync(string text, CancellationToken cancellationToken = default) =>
        Task.FromResult(EncodeBatch([text], cancellationToken)[0]);

    /// <inheritdoc />
    public Task<float[][]> EncodeBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Task.FromResult(EncodeBatch(texts, cancellationToken));

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingGeneration.CheckOptions(options, Dimension);
        var vectors = EncodeBatch(values as IReadOnlyList<string> ?? values.ToList(), cancellationToken);
        return Task.FromResult(EmbeddingGeneration.ToGenerated(vectors, ModelName));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        EmbeddingGeneration.GetService(this, _metadata, serviceType, serviceKey);

    /// <summary>Releases the ONNX session.</summary>
    public void Dispose()
    {
        _session?.Dispose();
        if (_extraInputs is not null)
        {
            foreach (var value in _extraInputs)
            {
                value.Dispose();
            }
        }
    }

    private void RunBatch(IReadOnlyList<string> texts, int start, int n, Span<float> destination, CancellationToken cancellationToken)
    {
        // A fixed-batch model always gets its batch size: the rows past n hold the empty text and are dropped.
        var rows = _fixedBatch > 0 ? _fixedBatch : n;
        var context = MaxSequenceLength;
        var ids = ArrayPool<long>.Shared.Rent(rows * context);
        var counts = ArrayPool<int>.Shared.Rent(rows);
        var extra = ArrayPool<long>.Shared.Rent(rows * context * 2);
        var narrow = ArrayPool<int>.Shared.Rent(rows * context * 3);
        var values = new List<OrtValue>(3 + _extraInputs.Length);
        try
        {
            var length = 1;
            for (var i = 0; i < rows; i++)
            {
                var text = i < n ? texts[start + i] ?? throw new ArgumentNullException(nameof(texts), $"Text {start + i} is null.") : string.Empty;
                counts[i] = _tokenizer.EncodeContext(text, ids.AsSpan(i * context, context));
                length = Math.Max(length, counts[i]);
            }
            if (_fixedLength > 0)
            {
                length = _fixedLength;
            }
            else if (length < context)
            {
                for (var i = 1; i < rows; i++)
                {
                    ids.AsSpan(i * context, length).CopyTo(ids.AsSpan(i * length, length));
                }
            }
            var cells = rows * length;
            var mask = extra.AsSpan(0, cells);
            var positions = extra.AsSpan(cells, cells);
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < length; j++)
                {
                    mask[i * length + j] = j < counts[i] ? 1 : 0;
                    positions[i * length + j] = j;
                }
            }
            long[] shape = [rows, length];
            values.Add(Tokens(ids.AsMemory(0, cells), _ids32, narrow.AsMemory(0, cells), shape));
            if (_maskInput >= 0)
            {
                values.Add(Tokens(extra.AsMemory(0, cells), _mask32, narrow.AsMemory(cells, cells), shape));
            }
            if (_positionInput >= 0)
            {
                values.Add(Tokens(extra.AsMemory(cells, cells), _positions32, narrow.AsMemory(2 * cells, cells), shape));
            }
            OrtValue[] inputs = [.. values, .. _extraInputs];
            Run(inputs, n, rows, destination, cancellationToken);
        }
        finally
        {
            values.ForEach(value => value.Dispose());
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<long>.Shared.Return(extra);
            ArrayPool<int>.Shared.Return(narrow);
        }
    }

    private unsafe void Run(OrtValue[] inputs, int n, int rows, Span<float> destination, CancellationToken cancellationToken)
    {
        if (_prebindOutput && rows == n)
        {
            fixed (float* target = destination)
            {
                using var output = TensorValues.Over(target, n * Dimension, [n, Dimension], TensorElementType.Float);
                _session.Run(_inputNames, inputs, _outputNames, [output], cancellationToken);
            }
        }
        else
        {
            using var results = _session.Run(_inputNames, inputs, _outputNames, cancellationToken);
            var result = results.First();
            var shape = result.GetTensorTypeAndShape().Shape;
            if (shape.Length != 2 || shape[0] != rows || shape[1] != Dimension)
            {
                throw new InvalidOperationException(
                    $"Model '{ModelFile}' returned [{string.Join(", ", shape)}] for {rows} texts; expected [{rows}, {Dimension}].");
            }
            float[]? converted = null;
            try
            {
                TensorValues.ReadFloats(result, ModelFile, _outputNames[0], ref converted)[..(n * Dimension)].CopyTo(destination);
            }
            finally
            {
                if (converted is not null)
                {
                    ArrayPool<float>.Shared.Return(converted);
                }
            }
        }
        EmbeddingMath.NormalizeRows(destination[..(n * Dimension)], Dimension);
    }
}
