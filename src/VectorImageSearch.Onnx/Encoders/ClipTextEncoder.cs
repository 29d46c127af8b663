using System.Buffers;
using Microsoft.Extensions.AI;
using VectorImageSearch.Onnx.Runtime;
using VectorImageSearch.Onnx.Text;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// CLIP's text tower: text → L2-normalised embeddings in the space of <see cref="ClipImageEncoder"/>. Tokenizes with
/// the folder's CLIP tokenizer and runs <c>onnx/text_model.onnx</c> (or a combined <c>model.onnx</c>, feeding its image
/// input a dummy), with the inputs the model declares: <c>input_ids</c> (int64 or int32), <c>attention_mask</c> and
/// <c>position_ids</c> when present. The sequence length is the model's when it is fixed, otherwise the shortest that
/// fits the longest text of the batch (at most the context length, 77 for CLIP). Reads <c>text_embeds</c> (else
/// <c>pooler_output</c>). Thread-safe; runs on the calling thread (the async methods complete synchronously).
/// </summary>
public sealed class ClipTextEncoder : ITextEncoder, IEmbeddingGenerator<string, Embedding<float>>, IDisposable
{
    private readonly ClipTokenizer _tokenizer;
    private readonly OnnxSession _session;
    private readonly int _idsInput;
    private readonly bool _ids32;
    private readonly int _maskInput;
    private readonly bool _mask32;
    private readonly int _positionInput;
    private readonly int _output;
    private readonly int _fixedLength;
    private readonly int[] _extraInputIndices;
    private readonly OnnxTensor[] _extraInputs;
    private readonly bool _prebindOutput;
    private readonly Lazy<string> _fingerprint;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Loads the text tower and tokenizer of the CLIP model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">The model folder.</param>
    /// <exception cref="ModelLoadException">The folder, its text model or its tokenizer files are missing or unusable.</exception>
    public ClipTextEncoder(string modelFolder)
        : this(new ClipEncoderOptions { ModelFolder = modelFolder })
    {
    }

    /// <summary>Loads the text tower and tokenizer with <paramref name="options"/>.</summary>
    /// <param name="options">The model folder and settings.</param>
    /// <exception cref="ModelLoadException">The folder, its text model or its tokenizer files are missing or unusable.</exception>
    public ClipTextEncoder(ClipEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        var folder = ModelFiles.RequireFolder(options.ModelFolder);
        ModelFolder = folder;
        ModelFile = ModelFiles.FindClipTower(folder, "text_model.onnx", "text");
        _tokenizer = ClipTokenizer.FromFolder(folder);
        MaxBatchSize = options.MaxBatchSize;
        _session = ModelFiles.OpenSession(ModelFile, options.SessionOptions ?? OnnxSessionOptions.Default);
        try
        {
            (_idsInput, _ids32) = FindTokenInput("input_ids", required: true);
            (_maskInput, _mask32) = FindTokenInput("attention_mask", required: false);
            (_positionInput, _) = FindTokenInput("position_ids", required: false);
            var ids = _session.Inputs[_idsInput];
            _fixedLength = ids.Dimensions[1] > 0 ? checked((int)ids.Dimensions[1]) : 0;
            (_extraInputIndices, _extraInputs) = CreateImageDummies();
            _output = FindOutput();
            var declared = _session.Outputs[_output].Dimensions[1];
            Dimension = declared > 0 ? checked((int)declared) : ProbeDimension();
            _prebindOutput = declared > 0;
        }
        catch (OnnxRuntimeException e)
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
            foreach (var tensor in _extraInputs)
            {
                tensor.Dispose();
            }
        }
    }

    private unsafe void RunBatch(IReadOnlyList<string> texts, int start, int n, Span<float> destination, CancellationToken cancellationToken)
    {
        var context = MaxSequenceLength;
        var ids = ArrayPool<long>.Shared.Rent(n * context);
        var counts = ArrayPool<int>.Shared.Rent(n);
        var extra = ArrayPool<long>.Shared.Rent(n * context * 2);
        int[]? ids32 = null;
        int[]? mask32 = null;
        try
        {
            var length = 1;
            for (var i = 0; i < n; i++)
            {
                var text = texts[start + i] ?? throw new ArgumentNullException(nameof(texts), $"Text {start + i} is null.");
                counts[i] = _tokenizer.EncodeContext(text, ids.AsSpan(i * context, context));
                length = Math.Max(length, counts[i]);
            }
            if (_fixedLength > 0)
            {
                length = _fixedLength;
            }
            else if (length < context)
            {
                for (var i = 1; i < n; i++)
                {
                    ids.AsSpan(i * context, length).CopyTo(ids.AsSpan(i * length, length));
                }
            }
            var cells = n * length;
            var mask = extra.AsSpan(0, cells);
            var positions = extra.AsSpan(cells, cells);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < length; j++)
                {
                    mask[i * length + j] = j < counts[i] ? 1 : 0;
                    positions[i * length + j] = j;
                }
            }

            ReadOnlySpan<long> shape = [n, length];
            var owned = new List<OnnxTensor>(3);
            var indices = new List<int>(3 + _extraInputs.Length);
            try
            {
                if (_ids32)
                {
                    ids32 = ArrayPool<int>.Shared.Rent(cells);
                    for (var c = 0; c < cells; c++)
                    {
                        ids32[c] = (int)ids[c];
                    }
                    owned.Add(OnnxTensor.FromMemory(ids32.AsMemory(0, cells), shape));
                }
                else
                {
                    owned.Add(OnnxTensor.FromMemory(ids.AsMemory(0, cells), shape));
                }
                indices.Add(_idsInput);
                if (_maskInput >= 0)
                {
                    if (_mask32)
                    {
                        mask32 = ArrayPool<int>.Shared.Rent(cells);
                        for (var c = 0; c < cells; c++)
                        {
                            mask32[c] = (int)mask[c];
                        }
                        owned.Add(OnnxTensor.FromMemory(mask32.AsMemory(0, cells), shape));
                    }
                    else
                    {
                        owned.Add(OnnxTensor.FromMemory(extra.AsMemory(0, cells), shape));
                    }
                    indices.Add(_maskInput);
                }
                if (_positionInput >= 0)
                {
                    owned.Add(OnnxTensor.FromMemory(extra.AsMemory(cells, cells), shape));
                    indices.Add(_positionInput);
                }
                OnnxTensor[] inputs = [.. owned, .. _extraInputs];
                indices.AddRange(_extraInputIndices);
                Run(inputs, CollectionsMarshalSpan(indices), n, destination, cancellationToken);
            }
            finally
            {
                owned.ForEach(tensor => tensor.Dispose());
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<long>.Shared.Return(extra);
            if (ids32 is not null)
            {
                ArrayPool<int>.Shared.Return(ids32);
            }
            if (mask32 is not null)
            {
                ArrayPool<int>.Shared.Return(mask32);
            }
        }
    }

    private unsafe void Run(ReadOnlySpan<OnnxTensor> inputs, ReadOnlySpan<int> indices, int n, Span<float> destination, CancellationToken cancellationToken)
    {
        fixed (float* target = destination)
        {
            var outputs = new OnnxTensor?[1];
            using var bound = _prebindOutput ? OnnxTensor.FromPointer(target, n * Dimension, [n, Dimension]) : null;
            outputs[0] = bound;
            _session.Run(indices, inputs, [_output], outputs, cancellationToken);
            if (bound is null)
            {
                using var result = outputs[0]!;
                var shape = result.Shape;
                if (result.ElementType != OnnxElementType.Float || shape.Length != 2 || shape[0] != n || shape[1] != Dimension)
                {
                    throw new InvalidOperationException(
                        $"Model '{ModelFile}' returned {result.ElementType}[{string.Join(", ", shape.ToArray())}] for {n} texts; expected Float[{n}, {Dimension}].");
                }
                result.GetData<float>().CopyTo(destination);
            }
        }
        EmbeddingMath.NormalizeRows(destination, Dimension);
    }

    private static ReadOnlySpan<T> CollectionsMarshalSpan<T>(List<T> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

    private (int Index, bool Is32) FindTokenInput(string name, bool required)
    {
        var index = _session.GetInputIndex(name);
        if (index < 0)
        {
            return required
                ? throw new ModelLoadException(ModelFile, $"the CLIP text encoder needs an '{name}' input; the model's inputs are {OnnxSession.Describe(_session.Inputs)}.")
                : (-1, false);
        }
        var info = _session.Inputs[index];
        if (!info.IsTensor || info.Rank != 2 || info.ElementType is not (OnnxElementType.Int64 or OnnxElementType.Int32) || info.Dimensions[0] > 1)
        {
            throw new ModelLoadException(ModelFile, $"input '{info}' is not the [batch, sequence] int64 or int32 tensor the CLIP text encoder feeds.");
        }
        return (index, info.ElementType == OnnxElementType.Int32);
    }

    /// <summary>A zero image for the image side of a combined CLIP graph, so the text side can run.</summary>
    private (int[] Indices, OnnxTensor[] Tensors) CreateImageDummies()
    {
        var indices = new List<int>();
        var tensors = new List<OnnxTensor>();
        for (var i = 0; i < _session.Inputs.Count; i++)
        {
            if (i == _idsInput || i == _maskInput || i == _positionInput)
            {
                continue;
            }
            var info = _session.Inputs[i];
            if (info.Name != "pixel_values" || !info.IsTensor || info.ElementType != OnnxElementType.Float || info.Rank != 4)
            {
                tensors.ForEach(t => t.Dispose());
                throw new ModelLoadException(ModelFile,
                    $"the model also needs input '{info}', which the CLIP text encoder cannot feed (it feeds input_ids, attention_mask, position_ids, and a dummy pixel_values to a combined CLIP graph).");
            }
            long[] shape = [1, info.Dimensions[1] > 0 ? info.Dimensions[1] : 3, info.Dimensions[2] > 0 ? info.Dimensions[2] : 224, info.Dimensions[3] > 0 ? info.Dimensions[3] : 224];
            tensors.Add(OnnxTensor.FromArray(new float[OnnxTensor.Product(shape)], shape));
            indices.Add(i);
        }
        return (indices.ToArray(), tensors.ToArray());
    }

    private int FindOutput()
    {
        foreach (var name in (ReadOnlySpan<string>)["text_embeds", "pooler_output"])
        {
            var index = _session.GetOutputIndex(name);
            if (index < 0)
            {
                continue;
            }
            var info = _session.Outputs[index];
            if (!info.IsTensor || info.ElementType != OnnxElementType.Float || info.Rank != 2)
            {
                throw new ModelLoadException(ModelFile, $"output '{info}' is not the [N, D] float embedding the CLIP text encoder needs.");
            }
            return index;
        }
        throw new ModelLoadException(ModelFile,
            $"the model has no 'text_embeds' (or 'pooler_output') output for the CLIP text encoder; its outputs are {OnnxSession.Describe(_session.Outputs)}.");
    }

    private int ProbeDimension()
    {
        // The output's second axis is dynamic: run the empty text once and read it from the result.
        var dimension = 0;
        var context = MaxSequenceLength;
        var ids = new long[context];
        var count = _tokenizer.EncodeContext(string.Empty, ids);
        var length = _fixedLength > 0 ? _fixedLength : count;
        var idsArray = ids.AsSpan(0, length).ToArray();
        var mask = new long[length];
        var positions = new long[length];
        for (var j = 0; j < length; j++)
        {
            mask[j] = j < count ? 1 : 0;
            positions[j] = j;
        }
        var tensors = new List<OnnxTensor>();
        var indices = new List<int>();
        {
            tensors.Add(_ids32 ? OnnxTensor.FromArray(idsArray.Select(v => (int)v).ToArray(), 1, length) : OnnxTensor.FromArray(idsArray, 1, length));
            indices.Add(_idsInput);
            if (_maskInput >= 0)
            {
                tensors.Add(_mask32 ? OnnxTensor.FromArray(mask.Select(v => (int)v).ToArray(), 1, length) : OnnxTensor.FromArray(mask, 1, length));
                indices.Add(_maskInput);
            }
            if (_positionInput >= 0)
            {
                tensors.Add(OnnxTensor.FromArray(positions, 1, length));
                indices.Add(_positionInput);
            }
            var owned = tensors.Count;
            tensors.AddRange(_extraInputs);
            indices.AddRange(_extraInputIndices);
            var outputs = new OnnxTensor?[1];
            try
            {
                _session.Run(CollectionsMarshalSpan(indices), CollectionsMarshalSpan(tensors), [_output], outputs);
                using var result = outputs[0]!;
                dimension = result.Shape.Length == 2 ? (int)result.Shape[1] : 0;
            }
            finally
            {
                for (var t = 0; t < owned; t++)
                {
                    tensors[t].Dispose();
                }
            }
        }
        return dimension > 0 ? dimension
            : throw new ModelLoadException(ModelFile, $"output '{_session.Outputs[_output]}' returned no features.");
    }
}
