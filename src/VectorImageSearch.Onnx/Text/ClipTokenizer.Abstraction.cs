using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace VectorImageSearch.Onnx.Text;

/// <summary>ClipTokenizer as a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>: ids, tokens with offsets, counts, decoding.</summary>
internal sealed partial class ClipTokenizer
{
    /// <summary>
    /// Encodes text to tokens: each has its id, its vocabulary entry (for example "photo&lt;/w&gt;") and its offset into
    /// the text as given (not the cleaned text). A token that holds part of a character's UTF-8 bytes covers that whole
    /// character, so neighbours may overlap; a char the cleaning expanded or merged (an HTML reference, an NFC
    /// composition, a collapsed whitespace run) is covered whole.
    /// </summary>
    /// <param name="text">The text, or <see langword="null"/> to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is <see langword="null"/>.</param>
    /// <param name="settings">
    /// <see cref="EncodeSettings.ConsiderNormalization"/>: CLIP's cleaning (on by default; off, the text is taken as it is);
    /// <see cref="EncodeSettings.ConsiderPreTokenization"/>: CLIP's split into words (off, the whole text is one word);
    /// <see cref="EncodeSettings.MaxTokenCount"/>: stop after this many tokens.
    /// </param>
    /// <returns>The tokens, the cleaned text (when cleaned) and how many chars of the text the tokens cover.</returns>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var original = text ?? textSpan.ToString();
        var tokens = new List<EncodedToken>();
        var consumed = EncodeAligned(original, settings, tokens, null, out var cleaned);
        return new EncodeResults<EncodedToken>
        {
            Tokens = tokens,
            NormalizedText = settings.ConsiderNormalization ? cleaned : null,
            CharsConsumed = consumed,
        };
    }

    /// <summary>Encodes text to ids: the same ids as <see cref="EncodeToTokens(string?, ReadOnlySpan{char}, EncodeSettings)"/>, without building tokens.</summary>
    /// <param name="text">The text, or <see langword="null"/> to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is <see langword="null"/>.</param>
    /// <param name="settings">As for <see cref="EncodeToTokens(string?, ReadOnlySpan{char}, EncodeSettings)"/>.</param>
    /// <returns>The ids, the cleaned text (when cleaned) and how many chars of the text they cover.</returns>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var original = text ?? textSpan.ToString();
        var limit = settings.MaxTokenCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(settings.MaxTokenCount));
        if (settings.ConsiderNormalization && settings.ConsiderPreTokenization)
        {
            // The fast path: no alignment. Only a cut text needs the alignment, to say where the cut falls.
            var cleaned = ClipTextNormalizer.Normalize(original);
            var buffer = new IdBuffer(limit);
            try
            {
                EncodeInto(cleaned, ref buffer);
                if (!buffer.Overflowed)
                {
                    return new EncodeResults<int> { Tokens = buffer.Items.ToArray(), NormalizedText = cleaned, CharsConsumed = original.Length };
                }
            }
            finally
            {
                buffer.Dispose();
            }
        }

        var ids = new List<int>();
        var consumed = EncodeAligned(original, settings, null, ids, out var cleanedText);
        return new EncodeResults<int>
        {
            Tokens = ids,
            NormalizedText = settings.ConsiderNormalization ? cleanedText : null,
            CharsConsumed = consumed,
        };
    }

    /// <summary>Counts the tokens <see cref="EncodeToIds(string?, ReadOnlySpan{char}, EncodeSettings)"/> gives.</summary>
    /// <param name="text">The text, or <see langword="null"/> to use <paramref name="textSpan"/>.</param>
    /// <param name="textSpan">The text when <paramref name="text"/> is <see langword="null"/>.</param>
    /// <param name="settings">As for <see cref="EncodeToTokens(string?, ReadOnlySpan{char}, EncodeSettings)"/>.</param>
    /// <returns>The number of tokens.</returns>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings) =>
        EncodeToIds(text, textSpan, settings).Tokens.Count;

    /// <summary>
    /// Decodes ids as CLIP's reference does: the tokens' bytes joined and read as UTF-8 (invalid sequences become
    /// U+FFFD), each end-of-word suffix a space, the ends trimmed. Start and end tokens decode to their text
    /// ("&lt;|startoftext|&gt;", "&lt;|endoftext|&gt;"), which encodes back to them.
    /// </summary>
    /// <param name="ids">Token ids.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new ArrayBufferWriter<byte>(256);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var id in ids)
        {
            foreach (var c in TokenText(id))
            {
                if (ByteLevelAlphabet.TryToByte(c, out var value))
                {
                    bytes.Write([value]);
                }
                else
                {
                    bytes.Write(utf8[..new Rune(char.IsSurrogate(c) ? '\uFFFD' : c).EncodeToUtf8(utf8)]);
                }
            }
        }

        return Encoding.UTF8.GetString(bytes.WrittenSpan).Replace(_endOfWordSuffix, " ", StringComparison.Ordinal).Trim(' ');
    }

    /// <summary>Decodes ids into <paramref name="destination"/>: the text of <see cref="Decode(IEnumerable{int})"/> for as many ids as fit.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="destination">Receives the text.</param>
    /// <param name="idsConsumed">How many ids the written text stands for.</param>
    /// <param name="charsWritten">How many chars were written.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> when only some ids fit.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var all = ids as IReadOnlyList<int> ?? ids.ToArray();
        var whole = Decode(all);
        if (whole.Length <= destination.Length)
        {
            whole.CopyTo(destination);
            (idsConsumed, charsWritten) = (all.Count, whole.Length);
            return OperationStatus.Done;
        }

        // The longest prefix of ids whose text fits (a prefix's text never gets shorter as ids are added).
        var (low, high) = (0, all.Count - 1);
        var best = string.Empty;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            var text = Decode(all.Take(middle));
            if (text.Length <= destination.Length)
            {
                (low, best) = (middle, text);
            }
            else
            {
                high = middle - 1;
            }
        }

        best.CopyTo(destination);
        (idsConsumed, charsWritten) = (low, best.Length);
        return OperationStatus.DestinationTooSmall;
    }

    /// <summary>The vocabulary entry of <paramref name="id"/>.</summary>
    private string TokenText(int id) =>
        (uint)id < (uint)_tokens.Length && _tokens[id] is { } token
            ? token
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is not in the vocabulary ({VocabularySize} tokens).");

    /// <summary>
    /// Encodes with offsets into <paramref name="original"/>, adding to <paramref name="tokens"/> and/or <paramref name="ids"/>.
    /// Returns how many chars of <paramref name="original"/> the kept tokens cover (all of it when nothing was cut), and the cleaned text.
    /// </summary>
    private int EncodeAligned(string original, EncodeSettings settings, List<EncodedToken>? tokens, List<int>? ids, out string cleanedText)
    {
        var limit = settings.MaxTokenCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(settings.MaxTokenCount));
        TextAlignment alignment;
        string cleaned;
        if (settings.ConsiderNormalization)
        {
            cleaned = ClipTextNormalizer.Normalize(original, out alignment);
        }
        else
        {
            cleaned = ClipTextNormalizer.ReplaceLoneSurrogates(original);
            alignment = TextAlignment.Identity(cleaned.Length);
        }

        cleanedText = cleaned;

        var count = 0;
        var consumed = 0;
        bool Add(int id, int start, int end)
        {
            if (count == limit)
            {
                return false;
            }

            var range = new Range(alignment.Start(start), alignment.End(end - 1));
            tokens?.Add(new EncodedToken(id, TokenText(id), range));
            ids?.Add(id);
            consumed = Math.Max(consumed, range.End.Value);
            count++;
            return true;
        }

        var text = cleaned.AsSpan();
        if (!settings.ConsiderPreTokenization)
        {
            return AddWord(text, 0, Add) ? original.Length : consumed;
        }

        var position = 0;
        while (ClipPreTokenizer.Next(text, ref position, out var start, out var length, out var kind))
        {
            var complete = kind switch
            {
                PreTokenKind.StartOfText => Add(StartTokenId, start, start + length),
                PreTokenKind.EndOfText => Add(EndTokenId, start, start + length),
                _ => AddWord(text.Slice(start, length), start, Add),
            };
            if (!complete)
            {
                return consumed;
            }
        }

        return original.Length;
    }

    /// <summary>Merges one word and adds its tokens with char ranges in the cleaned text; false once the limit is reached.</summary>
    private bool AddWord(ReadOnlySpan<char> word, int offset, Func<int, int, int, bool> add)
    {
        if (word.IsEmpty)
        {
            return true;
        }

        var ids = EncodeWordUncached(word);

        // The UTF-8 byte where each char starts; a surrogate pair's four bytes are counted at its second half, so both
        // halves start at the same byte and a byte inside the pair finds the first half.
        var byteStarts = new int[word.Length + 1];
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]);
            var width = c < 0x80 ? 1 : c < 0x800 ? 2 : paired ? 0 : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(word[i - 1]) ? 4 : 3;
            byteStarts[i + 1] = byteStarts[i] + width;
        }

        var bytePosition = 0;
        for (var t = 0; t < ids.Length; t++)
        {
            var byteEnd = t == ids.Length - 1 ? byteStarts[word.Length] : Math.Min(bytePosition + _tokenByteLengths[ids[t]], byteStarts[word.Length]);
            var first = CharAt(byteStarts, word.Length, bytePosition);
            var last = CharAt(byteStarts, word.Length, Math.Max(byteEnd - 1, bytePosition));
            if (char.IsHighSurrogate(word[last]) && last + 1 < word.Length && char.IsLowSurrogate(word[last + 1]))
            {
                last++; // a pair's second half travels with its first
            }

            if (!add(ids[t], offset + first, offset + last + 1))
            {
                return false;
            }

            bytePosition = byteEnd;
        }

        return true;
    }

    // The char whose UTF-8 bytes hold byte b.
    private static int CharAt(int[] byteStarts, int length, int b)
    {
        var index = Array.BinarySearch(byteStarts, 0, length + 1, b);
        if (index < 0)
        {
            index = ~index - 1;
        }

        // Several chars can start at one byte (a pair's second half adds none): take the first.
        while (index > 0 && byteStarts[index - 1] == byteStarts[index])
        {
            index--;
        }

        return Math.Min(index, length - 1);
    }
}
