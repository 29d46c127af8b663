using Microsoft.Extensions.VectorData.ProviderServices;

namespace VectorImageSearch.VectorData.Collections;

/// <summary>
/// Maps a record of a collection's model onto an <see cref="ImageRecord"/> and back: the key onto
/// <see cref="ImageRecord.Key"/>, data properties named ContentHash, SizeBytes and LastWriteUtc onto the catalog fields,
/// every other data property onto a metadata entry (its storage name → its invariant text; null leaves it out), and the
/// vector, L2-normalised, onto <see cref="ImageRecord.Vector"/>.
/// </summary>
internal sealed class RecordMapper
{
    private readonly CollectionModel _model;

    public RecordMapper(CollectionModel model)
    {
        _model = model;
        foreach (var data in model.DataProperties)
        {
            var type = Nullable.GetUnderlyingType(data.Type) ?? data.Type;
            var ok = data.StorageName switch
            {
                CatalogFields.ContentHash => type == typeof(string),
                CatalogFields.SizeBytes => type == typeof(long) || type == typeof(int),
                CatalogFields.LastWriteUtc => type == typeof(DateTime) || type == typeof(DateTimeOffset),
                _ => true,
            };
            if (!ok)
            {
                throw new NotSupportedException(
                    $"The data property '{data.ModelName}' is stored as the catalog field '{data.StorageName}', which needs type {CatalogType(data.StorageName)}, not {data.Type.Name}.");
            }
        }
        Dimension = model.VectorProperty.Dimensions;
        if (Dimension <= 0)
        {
            throw new ArgumentException($"The vector property '{model.VectorProperty.ModelName}' must declare its dimensions (1 or more).");
        }
    }

    public CollectionModel Model => _model;

    public int Dimension { get; }

    public KeyPropertyModel KeyProperty => _model.KeyProperty;

    public VectorPropertyModel VectorProperty => _model.VectorProperty;

    /// <summary>Whether the vector property holds an input (text, an image) that a generator turns into the vector.</summary>
    public bool GeneratesVectors => !RecordVectors.IsVectorType(_model.VectorProperty.Type);

    public string KeyOf(object record) => ValueText.Key(KeyProperty.GetValueAsObject(record), "record");

    /// <summary>The image record for <paramref name="record"/> with <paramref name="vector"/> (already generated when <see cref="GeneratesVectors"/>).</summary>
    public ImageRecord ToImageRecord(object record, ReadOnlyMemory<float> vector)
    {
        var key = KeyOf(record);
        string contentHash = string.Empty;
        long size = 0;
        DateTime? written = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var data in _model.DataProperties)
        {
            var value = data.GetValueAsObject(record);
            switch (data.StorageName)
            {
                case CatalogFields.ContentHash:
                    contentHash = (string?)value ?? string.Empty;
                    break;
                case CatalogFields.SizeBytes:
                    size = value is null ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case CatalogFields.LastWriteUtc:
                    written = value switch
                    {
                        DateTime d => d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc),
                        DateTimeOffset o => o.UtcDateTime,
                        _ => null,
                    };
                    break;
                default:
                    if (ValueText.Format(value) is { } text)
                    {
                        metadata[data.StorageName] = text;
                    }
                    break;
            }
        }
        var normalised = RecordVectors.Normalised(vector.Span, Dimension, $"The vector of the record '{key}'", "records");
        if (contentHash.Length == 0)
        {
            // A record that is not an image file has no content hash of its own; its vector stands for its content.
            contentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(normalised.AsSpan())));
        }
        return new ImageRecord { Key = key, ContentHash = contentHash, SizeBytes = size, LastWriteUtc = written, Metadata = metadata, Vector = normalised };
    }

    /// <summary>A new record of the model from <paramref name="image"/>; the vector is set when <paramref name="includeVector"/>.</summary>
    public TRecord FromImageRecord<TRecord>(ImageRecord image, bool includeVector)
    {
        var record = _model.CreateRecord<TRecord>()!;
        var key = ValueText.TryParseKey(image.Key, KeyProperty.Type)
            ?? throw new InvalidOperationException($"The stored key '{image.Key}' is not a {KeyProperty.Type.Name}: the collection was written with another key type.");
        KeyProperty.SetValueAsObject(record, key);
        foreach (var data in _model.DataProperties)
        {
            var type = Nullable.GetUnderlyingType(data.Type) ?? data.Type;
            object? value = data.StorageName switch
            {
                CatalogFields.ContentHash => image.ContentHash,
                CatalogFields.SizeBytes => type == typeof(int) ? checked((int)image.SizeBytes) : image.SizeBytes,
                // Boxed apart: in one conditional, DateTime would convert to DateTimeOffset.
                CatalogFields.LastWriteUtc => image.LastWriteUtc is not { } w ? null
                    : type == typeof(DateTimeOffset) ? (object)new DateTimeOffset(DateTime.SpecifyKind(w, DateTimeKind.Utc)) : (object)DateTime.SpecifyKind(w, DateTimeKind.Utc),
                _ => image.Metadata.TryGetValue(data.StorageName, out var text) ? Parse(text, data) : null,
            };
            if (value is not null || data.IsNullable)
            {
                data.SetValueAsObject(record, value);
            }
        }
        if (includeVector)
        {
            VectorProperty.SetValueAsObject(record, RecordVectors.Write(image.Vector, VectorProperty.Type));
        }
        return record;
    }

    private static object? Parse(string text, DataPropertyModel data)
    {
        try
        {
            return ValueText.Parse(text, data.Type);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"The stored value '{text}' of '{data.StorageName}' is not a {data.Type.Name}.", e);
        }
    }

    private static string CatalogType(string storageName) => storageName switch
    {
        CatalogFields.ContentHash => "string",
        CatalogFields.SizeBytes => "long or int",
        _ => "DateTime or DateTimeOffset",
    };
}
