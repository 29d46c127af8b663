using Microsoft.ML.Tokenizers;

namespace VectorImageSearch.Onnx.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer, reading a Hugging Face tokenizer folder (<c>vocab.json</c> + <c>merges.txt</c>, or
/// <c>tokenizer.json</c>) and reproducing OpenAI's reference tokenizer (without <c>ftfy</c>, with NFC).
/// </summary>
/// <remarks>
/// <para>
/// Text is cleaned as the reference does: NFC, <c>html.unescape</c> twice (Python's rules, all HTML5 references),
/// whitespace stripped and collapsed, lowercased as Python's <c>str.lower</c>; then split with CLIP's pattern and each
/// piece's UTF-8 bytes merged by BPE with "&lt;/w&gt;" marking a word's end. The literals "&lt;|startoftext|&gt;" and
/// "&lt;|endoftext|&gt;" in the text become the start and end tokens, as in the reference.
/// </para>
/// <para>
/// No string makes it throw: a lone surrogate becomes U+FFFD, control characters are tokens like any other symbol,
/// the empty string gives no ids. Work is linear in the text's length (BPE is O(n log n) in a word's length), so a huge
/// string is slow but finite; <see cref="EncodeContext(string, Span{long})"/> stops merging once the context is full
/// but still cleans the whole text.
/// </para>
/// <para>
/// Unicode data: lowercasing and HTML references use tables generated from Python 3.11 (eng/tools/gen-clip-text-tables.py),
/// NFC is ICU's, letters and numbers are .NET's categories (Unicode 16). Every code point tokenizes as Python 3.11 with
/// the <c>regex</c> module does, except characters assigned in Unicode versions one side does not know yet.
/// </para>
/// <para>
/// It is a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>: <c>EncodeToIds</c>, <c>EncodeToTokens</c> (offsets into the
/// text as given), <c>CountTokens</c>, <c>GetIndexByTokenCount</c> and <c>Decode</c> work wherever that abstraction is
/// taken, with the same exact ids. <see cref="EncodeContext(string, int)"/> builds the model's fixed-length input.
/// </para>
/// <para>Thread-safe: one instance may serve any number of threads. Merged words are kept in a bounded cache.</para>
/// </remarks>
internal sealed partial class ClipTokenizer : Tokenizer
{
    /// <summary>The most words the merge cache holds by default.</summary>
    internal const int DefaultCacheCapacity = 32_768;

    private readonly BytePairModel _model;
    private readonly WordCache _cache;
    private readonly string?[] _tokens;
    private readonly int[] _tokenByteLengths;
    private readonly string _endOfWordSuffix;

    private ClipTokenizer(ClipTokenizerFiles files, int cacheCapacity)
    {
        _cache = new WordCache(cacheCapacity);
        _model = new BytePairModel(files.Vocabulary, files.Merges, files.EndOfWordSuffix, files.Vocabulary[files.UnknownToken]);
        StartTokenId = files.Vocabulary[files.StartToken];
        EndTokenId = files.Vocabulary[files.EndToken];
        ContextLength = files.ContextLength;
        VocabularySize = files.Vocabulary.Count;
        _endOfWordSuffix = files.EndOfWordSuffix;

        // Id → entry, and how many UTF-8 bytes of the text each entry stands for (for offsets).
        _tokens = new string?[files.Vocabulary.Values.Max() + 1];
        _tokenByteLengths = new int[_tokens.Length];
        foreach (var (token, id) in files.Vocabulary)
        {
            _tokens[id] = token;
            var body = token.EndsWith(_endOfWordSuffix, StringComparison.Ordinal) ? token[..^_endOfWordSuffix.Length] : token;
            var bytes = 0;
            foreach (var c in body)
            {
                bytes += ByteLevelAlphabet.TryToByte(c, out _) ? 1 : 0;
            }

            _tokenByteLengths[id] = Math.Max(bytes, 1);
        }
    }

    /// <summary>The id of the start token "&lt;|startoftext|&gt;" (49406 for CLIP).</summary>
    public int StartTokenId { get; }

    /// <summary>The id of the end token "&lt;|endoftext|&gt;" (49407 for CLIP).</summary>
    public int EndTokenId { get; }

    /// <summary>The model's context length: <c>model_max_length</c> of <c>tokenizer_config.json</c> when it gives one, else 77.</summary>
    public int ContextLength { get; }

    /// <summary>The number of tokens in the vocabulary.</summary>
    internal int VocabularySize { get; }

    /// <summary>The number of merges.</summary>
    internal int MergeCount => _model.MergeCount;

    /// <summary>The number of words in the merge cache.</summary>
    internal int CachedWordCount => _cache.Count;

    /// <summary>
    /// Loads the tokenizer of a Hugging Face model folder: <c>vocab.json</c> + <c>merges.txt</c> when present, else
    /// <c>tokenizer.json</c> (BPE model; merges as "a b" strings or [a, b] pairs); <c>tokenizer_config.json</c>, when
    /// present, gives the special tokens and <c>model_max_length</c>.
    /// </summary>
    /// <param name="folder">The model or tokenizer folder.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ModelLoadException">The folder or one of its files is missing or corrupt; the message names both.</exception>
    public static ClipTokenizer FromFolder(string folder) => FromFolder(folder, DefaultCacheCapacity);

    /// <summary>Loads the tokenizer of a folder with a merge cache of the given size (0: no cache).</summary>
    /// <param name="folder">The model or tokenizer folder.</param>
    /// <param name="cacheCapacity">The most words the merge cache holds.</param>
    /// <returns>The tokenizer.</returns>
    internal static ClipTokenizer FromFolder(string folder, int cacheCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCapacity);
        var files = ClipTokenizerFiles.Read(folder);
        try
        {
            return new ClipTokenizer(files, cacheCapacity);
        }
        catch (InvalidDataException e)
        {
            throw new ModelLoadException(folder, $"the merges do not fit the vocabulary: {e.Message}", e);
        }
    }

    /// <summary>Tokenizes <paramref name="text"/> into BPE ids, without start and end tokens.</summary>
    /// <param name="text">Any string.</param>
    /// <returns>The ids (empty for empty or blank text).</returns>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new IdBuffer(int.MaxValue);
        try
        {
            EncodeInto(ClipTextNormalizer.Normalize(text), ref ids);
            return ids.Items.ToArray();
        }
        finally
        {
            ids.Dispose();
        }
    }

    /// <summary>
    /// Tokenizes <paramref name="text"/> into a model input: start token, ids, end token; cut to
    /// <paramref name="contextLength"/> with the last token forced to the end token; padded with 0.
    /// </summary>
    /// <param name="text">Any string.</param>
    /// <param name="contextLength">The length of the result (77 for CLIP).</param>
    /// <returns>The <paramref name="contextLength"/> ids.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contextLength"/> is less than 1.</exception>
    public long[] EncodeContext(string text, int contextLength = 77)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 1);
        var result = new long[contextLength];
        EncodeContext(text, result);
        return result;
    }

    /// <summary>
    /// Writes the model input for <paramref name="text"/> into <paramref name="destination"/>, whose length is the context
    /// length: start token, ids, end token; cut with the last token forced to the end token; the rest filled with 0.
    /// </summary>
    /// <param name="text">Any string.</param>
    /// <param name="destination">The context to fill (its whole length is written).</param>
    /// <returns>The number of real tokens, start and end included (the positions where the attention mask is 1).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is empty.</exception>
    public int EncodeContext(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.IsEmpty)
        {
            throw new ArgumentException("The context must hold at least one token.", nameof(destination));
        }

        // Room for ids between start and end; one more id than fits is enough to know the text was cut.
        var room = Math.Max(destination.Length - 2, 0);
        var ids = new IdBuffer(room + 1);
        try
        {
            EncodeInto(ClipTextNormalizer.Normalize(text), ref ids);
            destination.Clear();
            destination[0] = StartTokenId;
            var kept = Math.Min(ids.Count, room);
            var written = 1;
            if (destination.Length > 1)
            {
                var items = ids.Items;
                for (var i = 0; i < kept; i++)
                {
                    destination[written++] = items[i];
                }

                destination[written++] = EndTokenId;
            }
            else
            {
                destination[0] = EndTokenId; // as the reference: cut to one token, the last forced to the end token
            }

            return written;
        }
        finally
        {
            ids.Dispose();
        }
    }

    private void EncodeInto(string normalized, ref IdBuffer ids)
    {
        var text = normalized.AsSpan();
        var position = 0;
        while (!ids.Overflowed && ClipPreTokenizer.Next(text, ref position, out var start, out var length, out var kind))
        {
            switch (kind)
            {
                case PreTokenKind.StartOfText:
                    ids.Add(StartTokenId);
                    break;
                case PreTokenKind.EndOfText:
                    ids.Add(EndTokenId);
                    break;
                default:
                    EncodeWord(text.Slice(start, length), ref ids);
                    break;
            }
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, ref IdBuffer ids)
    {
        if (_cache.TryGet(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        if (word.Length > WordCache.MaxWordLength || _cache.IsFull)
        {
            _model.Encode(word, ref ids);
            return;
        }

        var local = new IdBuffer(int.MaxValue);
        try
        {
            _model.Encode(word, ref local);
            ids.AddRange(local.Items);
            _cache.TryAdd(word, local.Items.ToArray());
        }
        finally
        {
            local.Dispose();
        }
    }

    /// <summary>Encodes one word without the cache (for tests and benchmarks of the merge loop).</summary>
    internal int[] EncodeWordUncached(ReadOnlySpan<char> word)
    {
        var local = new IdBuffer(int.MaxValue);
        try
        {
            _model.Encode(word, ref local);
            return local.Items.ToArray();
        }
        finally
        {
            local.Dispose();
        }
    }
}
