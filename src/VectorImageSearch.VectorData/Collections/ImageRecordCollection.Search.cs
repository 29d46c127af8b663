using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace VectorImageSearch.VectorData.Collections;

internal sealed partial class ImageRecordCollection<TKey, TRecord>
{
    /// <summary>
    /// The nearest records by cosine similarity, best first. <paramref name="searchValue"/> is a vector
    /// (<see cref="ReadOnlyMemory{T}"/> of float, float[], <see cref="Embedding{T}"/>) or an input that an attached
    /// <c>IEmbeddingGenerator&lt;TInput, Embedding&lt;float&gt;&gt;</c> turns into one (a string, a <c>DataContent</c> image).
    /// The filter restricts the search before the nearest are chosen; <c>Skip</c> + <paramref name="top"/> may be at most
    /// <see cref="ImageStoreSearchOptions.MaxK"/>.
    /// </summary>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top,
        VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        if ((long)options.Skip + top > ImageStoreSearchOptions.MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(top), top,
                $"Skip ({options.Skip}) + top ({top}) is more than {ImageStoreSearchOptions.MaxK}, the most results an image-record store returns.");
        }
        // Validates options.VectorProperty (it must name the collection's one vector property).
        _mapper.Model.GetVectorPropertyOrSingle(options);
        var includeVectors = IncludeVectors(options.IncludeVectors);
        var filter = options.Filter is null ? new ImageRecordFilter() : _filters.Translate(options.Filter);
        if (filter is null)
        {
            yield break;
        }
        var query = await QueryVectorAsync(searchValue, cancellationToken).ConfigureAwait(false);
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var matches = await store.SearchAsync(query, new ImageStoreSearchOptions
        {
            K = options.Skip + top,
            MinScore = options.ScoreThreshold is { } threshold ? (float)threshold : null,
            Filter = options.Filter is null ? null : filter,
        }, cancellationToken).ConfigureAwait(false);
        foreach (var match in matches.Skip(options.Skip))
        {
            if (ValueText.TryParseKey(match.Record.Key, _mapper.KeyProperty.Type) is null)
            {
                continue;
            }
            var image = includeVectors ? await store.GetAsync(match.Record.Key, includeVector: true, cancellationToken).ConfigureAwait(false) : match.Record;
            if (image is null)
            {
                continue;
            }
            yield return new VectorSearchResult<TRecord>(_mapper.FromImageRecord<TRecord>(image, includeVectors), match.Score);
        }
    }

    private async Task<float[]> QueryVectorAsync<TInput>(TInput searchValue, CancellationToken cancellationToken)
    {
        var vector = RecordVectors.TryRead(searchValue);
        if (vector is null)
        {
            var generator = GeneratorFor<TInput>() ?? throw new NotSupportedException(
                $"A search value of type {typeof(TInput).Name} needs an IEmbeddingGenerator<{typeof(TInput).Name}, Embedding<float>> on the vector property " +
                $"'{_mapper.VectorProperty.ModelName}', the collection definition or the vector store's options; without one, search with ReadOnlyMemory<float>, float[] or Embedding<float>.");
            var embeddings = await generator.GenerateAsync([searchValue], cancellationToken: cancellationToken).ConfigureAwait(false);
            vector = embeddings.Count == 1 ? embeddings[0].Vector
                : throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for one search value.");
        }
        return RecordVectors.Normalised(vector.Value.Span, _mapper.Dimension, "The search vector", nameof(searchValue));
    }

    private IEmbeddingGenerator<TInput, Embedding<float>>? GeneratorFor<TInput>()
    {
        foreach (var generator in new[] { _mapper.VectorProperty.EmbeddingGenerator, _definition?.EmbeddingGenerator, _owner.Options.EmbeddingGenerator })
        {
            if (generator is IEmbeddingGenerator<TInput, Embedding<float>> typed)
            {
                return typed;
            }
        }
        return null;
    }
}
