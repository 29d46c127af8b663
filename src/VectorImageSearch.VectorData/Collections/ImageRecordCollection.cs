using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace VectorImageSearch.VectorData.Collections;

/// <summary>
/// A <see cref="VectorStoreCollection{TKey, TRecord}"/> over the image-record store that its
/// <see cref="ImageRecordVectorStore"/> keeps for its name: records map onto <see cref="ImageRecord"/>s
/// (<see cref="RecordMapper"/>), filters onto <see cref="ImageRecordFilter"/>s (<see cref="FilterTranslator"/>).
/// Stateless apart from the model, so any number of threads may use it.
/// </summary>
internal sealed partial class ImageRecordCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly ImageRecordVectorStore _owner;
    private readonly RecordMapper _mapper;
    private readonly FilterTranslator _filters;
    private readonly VectorStoreCollectionDefinition? _definition;
    private readonly ImageStoreSchema _schema;

    public ImageRecordCollection(ImageRecordVectorStore owner, string name, CollectionModel model, VectorStoreCollectionDefinition? definition)
    {
        _owner = owner;
        Name = name;
        _mapper = new RecordMapper(model);
        _filters = new FilterTranslator(model);
        _definition = definition;
        _schema = new ImageStoreSchema(Fingerprint(), _mapper.Dimension);
    }

    public override string Name { get; }

    /// <summary>The schema the collection opens its store with (the model fingerprint and the vector's dimension).</summary>
    internal ImageStoreSchema Schema => _schema;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        _owner.CollectionExistsAsync(Name, cancellationToken);

    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        await _owner.FlushAsync(store, cancellationToken).ConfigureAwait(false);
    }

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        _owner.EnsureCollectionDeletedAsync(Name, cancellationToken);

    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        var includeVectors = IncludeVectors(options?.IncludeVectors ?? false);
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var image = await store.GetAsync(ValueText.Key(key, nameof(key)), includeVectors, cancellationToken).ConfigureAwait(false);
        return image is null ? null : _mapper.FromImageRecord<TRecord>(image, includeVectors);
    }

    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var skip = options?.Skip ?? 0;
        ArgumentOutOfRangeException.ThrowIfNegative(skip, "options.Skip");
        if (options?.OrderBy is not null)
        {
            throw new NotSupportedException("OrderBy is not supported by an image-record collection: records come in ordinal key order.");
        }
        var includeVectors = IncludeVectors(options?.IncludeVectors ?? false);
        var translated = _filters.Translate(filter);
        if (translated is null)
        {
            yield break;
        }
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var returned = 0;
        await foreach (var image in store.ListAsync(translated.KeyPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (!translated.Matches(image) || ValueText.TryParseKey(image.Key, _mapper.KeyProperty.Type) is null)
            {
                continue;
            }
            if (skip > 0)
            {
                skip--;
                continue;
            }
            var full = includeVectors ? await store.GetAsync(image.Key, includeVector: true, cancellationToken).ConfigureAwait(false) : image;
            if (full is null)
            {
                continue;
            }
            yield return _mapper.FromImageRecord<TRecord>(full, includeVectors);
            if (++returned == top)
            {
                yield break;
            }
        }
    }

    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) =>
        DeleteAsync([key], cancellationToken);

    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var texts = keys.Select(k => ValueText.Key(k, nameof(keys))).Distinct(StringComparer.Ordinal).ToList();
        if (texts.Count == 0)
        {
            return;
        }
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        if (await store.DeleteAsync(texts, cancellationToken).ConfigureAwait(false) > 0)
        {
            await FlushIfAskedAsync(store, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <summary>Upserts the records as one atomic batch of the store: all become visible, or (on any error) none.</summary>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.ToList();
        if (list.Count == 0)
        {
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"Record {i} of the batch is null.", nameof(records));
            }
        }
        var vectors = await VectorsOfAsync(list, cancellationToken).ConfigureAwait(false);
        var images = new ImageRecord[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            images[i] = _mapper.ToImageRecord(list[i], vectors[i]);
        }
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        await store.UpsertAsync(images, cancellationToken).ConfigureAwait(false);
        await FlushIfAskedAsync(store, cancellationToken).ConfigureAwait(false);
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(VectorStoreCollectionMetadata))
        {
            return new VectorStoreCollectionMetadata { VectorStoreSystemName = _owner.SystemNameValue, CollectionName = Name };
        }
        if (serviceType == typeof(IImageRecordStore))
        {
            return _owner.OpenedStore(Name);
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    private Task<IImageRecordStore> StoreAsync(CancellationToken cancellationToken) =>
        _owner.OpenAsync(Name, _schema, cancellationToken);

    private Task FlushIfAskedAsync(IImageRecordStore store, CancellationToken cancellationToken) =>
        _owner.Options.FlushAfterEachWrite ? _owner.FlushAsync(store, cancellationToken) : Task.CompletedTask;

    private bool IncludeVectors(bool asked)
    {
        if (asked && _mapper.GeneratesVectors)
        {
            throw new NotSupportedException(
                $"IncludeVectors is not supported for the vector property '{_mapper.VectorProperty.ModelName}' of type {_mapper.VectorProperty.Type.Name}: the store keeps the generated vector, not the {_mapper.VectorProperty.Type.Name} it came from.");
        }
        return asked;
    }

    private async Task<ReadOnlyMemory<float>[]> VectorsOfAsync(List<TRecord> records, CancellationToken cancellationToken)
    {
        var property = _mapper.VectorProperty;
        var vectors = new ReadOnlyMemory<float>[records.Count];
        if (!_mapper.GeneratesVectors)
        {
            for (var i = 0; i < records.Count; i++)
            {
                vectors[i] = RecordVectors.TryRead(property.GetValueAsObject(records[i]))
                    ?? throw new ArgumentException($"The record '{_mapper.KeyOf(records[i])}' has no vector in '{property.ModelName}'.", nameof(records));
            }
            return vectors;
        }
        var inputs = new object[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            inputs[i] = property.GetValueAsObject(records[i])
                ?? throw new ArgumentException($"The record '{_mapper.KeyOf(records[i])}' has no value in '{property.ModelName}' to generate its vector from.", nameof(records));
        }
        var embeddings = await GenerateAsync(property, inputs, cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != records.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {records.Count} inputs.");
        }
        for (var i = 0; i < records.Count; i++)
        {
            vectors[i] = RecordVectors.TryRead(embeddings[i])
                ?? throw new InvalidOperationException($"The embedding generator returned a {embeddings[i].GetType().Name}; the collection needs Embedding<float>.");
        }
        return vectors;
    }

    /// <summary>
    /// The embeddings of <paramref name="inputs"/>: text and images straight through the property's generator (which may
    /// serve several input types, as <see cref="TextImageEmbeddingGenerator"/> does), any other input type through the
    /// abstraction's dispatch.
    /// </summary>
    private static async Task<IReadOnlyList<Embedding>> GenerateAsync(VectorPropertyModel property, object[] inputs, CancellationToken cancellationToken)
    {
        var generator = property.EmbeddingGenerator;
        if (property.Type == typeof(string) && generator is IEmbeddingGenerator<string, Embedding<float>> text)
        {
            return await text.GenerateAsync(inputs.Cast<string>(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (typeof(DataContent).IsAssignableFrom(property.Type) && generator is IEmbeddingGenerator<DataContent, Embedding<float>> images)
        {
            return await images.GenerateAsync(inputs.Cast<DataContent>(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return await property.GenerateEmbeddingsAsync(inputs, cancellationToken).ConfigureAwait(false);
    }

    private string Fingerprint()
    {
        if (_owner.Options.ModelFingerprint is { Length: > 0 } configured)
        {
            return configured;
        }
        foreach (var generator in new[] { _mapper.VectorProperty.EmbeddingGenerator, _definition?.EmbeddingGenerator, _owner.Options.EmbeddingGenerator })
        {
            if (generator?.GetService(typeof(IImageEncoder)) is IImageEncoder image)
            {
                return image.ModelFingerprint;
            }
            if (generator?.GetService(typeof(ITextEncoder)) is ITextEncoder text)
            {
                return text.ModelFingerprint;
            }
        }
        return "vectordata";
    }
}
