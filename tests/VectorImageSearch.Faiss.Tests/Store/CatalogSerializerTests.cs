using VectorImageSearch.Faiss.Store;

namespace VectorImageSearch.Faiss.Tests.Store;

public sealed class CatalogSerializerTests
{
    private static ImageCatalog SampleCatalog()
    {
        var catalog = new ImageCatalog();
        catalog.Put(new ImageRecord { Id = catalog.AllocateId(), Key = "/photos/a.jpg", SizeBytes = 1234, LastWriteUtc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), ContentHash = "aa11",
            Metadata = new Dictionary<string, string> { ["camera"] = "X100", ["ünïcode"] = "välue" } });
        catalog.Put(new ImageRecord { Id = catalog.AllocateId(), Key = "added-key", SizeBytes = 99, LastWriteUtc = null, ContentHash = "bb22",
            Metadata = new Dictionary<string, string>() });
        return catalog;
    }

    private static byte[] Serialise(ImageCatalog catalog, long[] tombstones)
    {
        using var stream = new MemoryStream();
        CatalogSerializer.Write(catalog, tombstones, stream);
        return stream.ToArray();
    }

    [Fact]
    public void Round_trip_keeps_entries_ids_metadata_tombstones_and_the_next_id()
    {
        var catalog = SampleCatalog();
        catalog.AllocateId();
        var bytes = Serialise(catalog, [7, 9]);

        var (read, tombstones) = CatalogSerializer.Read(new MemoryStream(bytes));

        Assert.Equal(2, read.Count);
        Assert.True(read.TryGetByKey("/photos/a.jpg", out var a));
        Assert.Equal(1, a.Id);
        Assert.Equal(1234, a.SizeBytes);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), a.LastWriteUtc);
        Assert.Equal("välue", a.Metadata["ünïcode"]);
        Assert.True(read.TryGetById(2, out var b));
        Assert.Equal("added-key", b.Key);
        Assert.Null(b.LastWriteUtc);
        Assert.Equal([7L, 9L], tombstones);
        Assert.Equal(catalog.NextId, read.NextId);
    }

    [Fact]
    public void Every_truncation_is_reported_as_invalid_data()
    {
        var bytes = Serialise(SampleCatalog(), [3]);
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<InvalidDataException>(() => CatalogSerializer.Read(new MemoryStream(bytes, 0, length)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void Another_file_is_not_taken_for_a_catalog()
    {
        var error = Assert.Throws<InvalidDataException>(() => CatalogSerializer.Read(new MemoryStream("{\"not\":\"a catalog\"}"u8.ToArray())));
        Assert.Contains("VISCAT01", error.Message);
    }

    [Fact]
    public void Replacing_a_key_drops_its_old_id()
    {
        var catalog = SampleCatalog();
        catalog.Put(new ImageRecord { Id = catalog.AllocateId(), Key = "/photos/a.jpg", SizeBytes = 1, LastWriteUtc = null, ContentHash = "cc33",
            Metadata = new Dictionary<string, string>() });
        Assert.Equal(2, catalog.Count);
        Assert.False(catalog.TryGetById(1, out _));
        Assert.True(catalog.TryGetByKey("/photos/a.jpg", out var entry));
        Assert.Equal(3, entry.Id);
    }
}
