using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.VectorData;

namespace VectorImageSearch.VectorData.Adapter;

/// <summary>
/// How an <see cref="ImageRecord"/> is kept in a foreign vector-store collection: a dynamic record whose key is a Guid
/// derived from the image key (every connector supports Guid keys; file paths are not valid keys in several), with the
/// catalog fields as data properties, the metadata as one JSON text, and the model fingerprint on every record.
/// </summary>
internal static class ImageRecordDocument
{
    public const string Id = "Id";
    public const string Key = "Key";
    public const string ContentHash = "ContentHash";
    public const string SizeBytes = "SizeBytes";
    public const string LastWriteUtc = "LastWriteUtc";
    public const string Metadata = "Metadata";
    public const string Model = "Model";
    public const string Vector = "Vector";

    public static VectorStoreCollectionDefinition Definition(int dimension) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(Id, typeof(Guid)),
            new VectorStoreDataProperty(Key, typeof(string)) { IsIndexed = true },
            new VectorStoreDataProperty(ContentHash, typeof(string)),
            new VectorStoreDataProperty(SizeBytes, typeof(long)),
            new VectorStoreDataProperty(LastWriteUtc, typeof(DateTimeOffset?)),
            new VectorStoreDataProperty(Metadata, typeof(string)),
            new VectorStoreDataProperty(Model, typeof(string)) { IsIndexed = true },
            new VectorStoreVectorProperty(Vector, typeof(ReadOnlyMemory<float>), dimension) { DistanceFunction = DistanceFunction.CosineSimilarity },
        ],
    };

    /// <summary>The record's Guid key: the first 16 bytes of the SHA-256 of the UTF-8 key, marked as a version-8 UUID.</summary>
    public static Guid GuidOf(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The record's id: 63 bits of the SHA-256 of the key, stable for the key's life (an upsert replaces in place).</summary>
    public static long IdOf(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var id = BitConverter.ToInt64(hash[16..24]) & long.MaxValue;
        return id == 0 ? 1 : id;
    }

    public static Dictionary<string, object?> ToDocument(ImageRecord record, string model) => new(StringComparer.Ordinal)
    {
        [Id] = GuidOf(record.Key),
        [Key] = record.Key,
        [ContentHash] = record.ContentHash,
        [SizeBytes] = record.SizeBytes,
        [LastWriteUtc] = record.LastWriteUtc is { } w ? new DateTimeOffset(DateTime.SpecifyKind(w, DateTimeKind.Utc)) : null,
        [Metadata] = JsonSerializer.Serialize(record.Metadata),
        [Model] = model,
        [Vector] = record.Vector,
    };

    public static ImageRecord FromDocument(Dictionary<string, object?> document, bool includeVector)
    {
        var key = document.GetValueOrDefault(Key) as string
            ?? throw new InvalidOperationException($"A record of the collection has no '{Key}': it was not written by the image search.");
        var metadataJson = document.GetValueOrDefault(Metadata) as string;
        var metadata = string.IsNullOrEmpty(metadataJson)
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(metadataJson)
                ?? throw new InvalidOperationException($"The record '{key}' has metadata that is not a JSON object.");
        return new ImageRecord
        {
            Id = IdOf(key),
            Key = key,
            ContentHash = document.GetValueOrDefault(ContentHash) as string ?? string.Empty,
            SizeBytes = document.GetValueOrDefault(SizeBytes) is { } size ? Convert.ToInt64(size, System.Globalization.CultureInfo.InvariantCulture) : 0,
            LastWriteUtc = document.GetValueOrDefault(LastWriteUtc) switch
            {
                DateTimeOffset o => o.UtcDateTime,
                DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
                _ => null,
            },
            Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal),
            Vector = includeVector ? Collections.RecordVectors.TryRead(document.GetValueOrDefault(Vector)) ?? ReadOnlyMemory<float>.Empty : ReadOnlyMemory<float>.Empty,
        };
    }
}
