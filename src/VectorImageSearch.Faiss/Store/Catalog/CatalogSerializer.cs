using System.Text;

namespace VectorImageSearch.Faiss.Store;

/// <summary>
/// The catalog's binary file: a magic header, the entries, the ids of vectors the index still holds for removed images
/// (tombstones, for index kinds that cannot remove), and an end marker so a truncated file is recognised even before
/// its checksum is compared with the manifest's.
/// </summary>
internal static class CatalogSerializer
{
    private static readonly byte[] Magic = "VISCAT01"u8.ToArray();
    private const int EndMarker = 0x21444E45; // "END!"

    /// <summary>Writes <paramref name="catalog"/> and the index's <paramref name="tombstones"/> to <paramref name="stream"/>.</summary>
    public static void Write(ImageCatalog catalog, IReadOnlyCollection<long> tombstones, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(catalog.NextId);
        writer.Write(catalog.Count);
        foreach (var entry in catalog.Entries.OrderBy(e => e.Id))
        {
            writer.Write(entry.Id);
            writer.Write(entry.Key);
            writer.Write(entry.SizeBytes);
            writer.Write(entry.LastWriteUtc.HasValue);
            writer.Write(entry.LastWriteUtc?.Ticks ?? 0L);
            writer.Write(entry.ContentHash);
            writer.Write(entry.Metadata.Count);
            foreach (var (name, value) in entry.Metadata)
            {
                writer.Write(name);
                writer.Write(value);
            }
        }
        writer.Write(tombstones.Count);
        foreach (var id in tombstones)
        {
            writer.Write(id);
        }
        writer.Write(EndMarker);
    }

    /// <summary>Reads a catalog and its tombstones written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not a catalog, or is truncated or corrupt.</exception>
    public static (ImageCatalog Catalog, long[] Tombstones) Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("the catalog does not start with the VISCAT01 header");
            }
            var catalog = new ImageCatalog();
            var nextId = reader.ReadInt64();
            var count = reader.ReadInt32();
            if (count < 0 || count > stream.Length)
            {
                throw new InvalidDataException($"the catalog claims {count} entries");
            }
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadInt64();
                var key = reader.ReadString();
                var size = reader.ReadInt64();
                var hasTime = reader.ReadBoolean();
                var ticks = reader.ReadInt64();
                var hash = reader.ReadString();
                var metadataCount = reader.ReadInt32();
                if (metadataCount < 0 || metadataCount > 1_000_000)
                {
                    throw new InvalidDataException($"entry {id} claims {metadataCount} metadata values");
                }
                var metadata = new Dictionary<string, string>(metadataCount, StringComparer.Ordinal);
                for (var m = 0; m < metadataCount; m++)
                {
                    metadata[reader.ReadString()] = reader.ReadString();
                }
                DateTime? lastWrite = hasTime ? new DateTime(ticks, DateTimeKind.Utc) : null;
                catalog.Put(new ImageRecord { Id = id, Key = key, SizeBytes = size, LastWriteUtc = lastWrite, ContentHash = hash, Metadata = metadata });
            }
            var tombstoneCount = reader.ReadInt32();
            if (tombstoneCount < 0 || tombstoneCount > stream.Length / sizeof(long))
            {
                throw new InvalidDataException($"the catalog claims {tombstoneCount} removed vectors");
            }
            var tombstones = new long[tombstoneCount];
            for (var t = 0; t < tombstones.Length; t++)
            {
                tombstones[t] = reader.ReadInt64();
            }
            if (reader.ReadInt32() != EndMarker)
            {
                throw new InvalidDataException("the catalog's end marker is missing");
            }
            catalog.RestoreNextId(nextId);
            return (catalog, tombstones);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the catalog is truncated", e);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or FormatException or OverflowException)
        {
            throw new InvalidDataException("the catalog holds an invalid value", e);
        }
    }
}
