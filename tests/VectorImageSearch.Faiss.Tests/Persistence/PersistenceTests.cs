using VectorImageSearch.Faiss.Tests.Data;

namespace VectorImageSearch.Faiss.Tests.Persistence;

public sealed class PersistenceTests : IDisposable
{
    private const int Dimension = 16;
    private const int K = 8;
    private readonly string _folder = Directory.CreateTempSubdirectory("vis-faiss-tests-").FullName;

    public static TheoryData<string> Kinds => new() { "Flat", "IVF16,Flat", "IVF16,PQ8x8np", "IVF16,PQ8x8np,RFlat", "HNSW16" };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Save_then_load_gives_identical_results_and_ids(string factory)
    {
        using var index = Build(factory);
        index.SetDefaultSearchOptions(nprobe: 4, efSearch: 24);
        var path = Path.Combine(_folder, "index.faiss");
        index.Save(path);
        using var loaded = FaissIndex.Load(path);
        AssertSame(index, loaded);

        using var fromBytes = FaissIndex.FromBytes(index.ToBytes());
        AssertSame(index, fromBytes);
        Assert.Equal(index.ToBytes(), fromBytes.ToBytes());
        Assert.Equal(File.ReadAllBytes(path), index.ToBytes());
    }

    [Fact]
    public void Memory_mapped_ivf_index_searches_the_same_and_is_read_only()
    {
        using var index = Build("IVF16,Flat");
        var path = Path.Combine(_folder, "mapped.faiss");
        index.Save(path);
        using var mapped = FaissIndex.Load(path, memoryMap: true);
        Assert.True(mapped.IsReadOnly);
        AssertSame(index, mapped);
        Assert.Equal(index.Reconstruct(1007), mapped.Reconstruct(1007));
        Assert.Throws<InvalidOperationException>(() => mapped.Add(new float[Dimension], [1L]));
        Assert.Throws<InvalidOperationException>(() => mapped.Remove([1L]));
        Assert.Throws<NotSupportedException>(() => mapped.Save(Path.Combine(_folder, "copy.faiss")));

        using var flat = Build("Flat");
        flat.Save(path);
        using var mappedFlat = FaissIndex.Load(path, memoryMap: true);
        Assert.False(mappedFlat.IsReadOnly); // FAISS 1.7.3 maps IVF inverted lists only; a Flat index is read into memory.
        AssertSame(flat, mappedFlat);
    }

    [Fact]
    public void A_failed_write_keeps_the_old_file_and_leaves_no_temporary_file()
    {
        using var old = Build("Flat");
        var path = Path.Combine(_folder, "atomic.faiss");
        old.Save(path);
        var before = File.ReadAllBytes(path);
        using var newer = Build("HNSW16");
        string? temporary = null;
        var error = Assert.Throws<IOException>(() => newer.SaveCore(path, t =>
        {
            temporary = t;
            Assert.True(File.Exists(t));
            Assert.Equal(Path.GetDirectoryName(path), Path.GetDirectoryName(t));
            throw new IOException("simulated crash before the rename");
        }));
        Assert.Equal("simulated crash before the rename", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(temporary));
        Assert.Equal(["atomic.faiss"], Directory.GetFiles(_folder).Select(Path.GetFileName));

        newer.Save(path);
        using var loaded = FaissIndex.Load(path);
        Assert.Equal("IDMap2,HNSW16", loaded.Description);
        Assert.Throws<DirectoryNotFoundException>(() => newer.Save(Path.Combine(_folder, "missing", "x.faiss")));
    }

    [Fact]
    public void Corrupt_truncated_random_and_empty_files_give_FAISS_messages()
    {
        using var index = Build("IVF16,Flat");
        var bytes = index.ToBytes();
        var path = Path.Combine(_folder, "bad.faiss");
        foreach (var length in new[] { 0, 3, 40, bytes.Length / 3, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..length]);
            var fromFile = Assert.Throws<FaissException>(() => FaissIndex.Load(path));
            Assert.Contains(path, fromFile.Message);
            Assert.False(string.IsNullOrWhiteSpace(fromFile.FaissMessage));
            var fromBytes = Assert.Throws<FaissException>(() => FaissIndex.FromBytes(bytes.AsSpan(0, length)));
            Assert.False(string.IsNullOrWhiteSpace(fromBytes.FaissMessage));
        }

        var flipped = (byte[])bytes.Clone();
        for (var i = 0; i < 4; i++)
        {
            flipped[i] ^= 0x5A; // the index type's fourcc
        }
        File.WriteAllBytes(path, flipped);
        Assert.Contains("not an index type this library reads", Assert.Throws<FaissException>(() => FaissIndex.Load(path)).FaissMessage);
        Assert.Contains("not an index type this library reads", Assert.Throws<FaissException>(() => FaissIndex.FromBytes(flipped)).FaissMessage);

        var random = new byte[4096];
        new Random(3).NextBytes(random);
        File.WriteAllBytes(path, random);
        Assert.Throws<FaissException>(() => FaissIndex.Load(path));
        Assert.Throws<FaissException>(() => FaissIndex.FromBytes(random));

        Assert.Throws<FileNotFoundException>(() => FaissIndex.Load(Path.Combine(_folder, "absent.faiss")));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_refuses_truncated_bytes_with_a_managed_exception(string factory)
    {
        using var index = Build(factory);
        var bytes = index.ToBytes();
        for (var step = 0; step < 24; step++)
        {
            var length = (int)((long)bytes.Length * step / 24);
            var error = Assert.Throws<FaissException>(() => FaissIndex.FromBytes(bytes.AsSpan(0, length)));
            Assert.False(string.IsNullOrWhiteSpace(error.FaissMessage));
        }
        using var whole = FaissIndex.FromBytes(bytes);
        Assert.Equal(index.Count, whole.Count);
    }

    [Theory]
    [InlineData("SQ8")]
    [InlineData("SQfp16")]
    [InlineData("IVF16,SQ8")]
    [InlineData("IVF16,Flat")]
    public void Scalar_quantised_and_direct_mapped_indexes_round_trip_through_the_validating_reader(string factory)
    {
        using var index = Build(factory);
        _ = index.Reconstruct(1007); // IVF kinds: builds the hashtable direct map, which is then saved and validated
        var path = Path.Combine(_folder, "sq.faiss");
        index.Save(path);
        using var loaded = FaissIndex.Load(path);
        using var fromBytes = FaissIndex.FromBytes(index.ToBytes());
        Assert.Equal(index.Description, loaded.Description);
        AssertSame(index, loaded);
        AssertSame(index, fromBytes);
        Assert.Equal(index.Reconstruct(1007), loaded.Reconstruct(1007));
    }

    [Fact]
    public void A_huge_count_is_refused_before_FAISS_allocates_and_the_message_names_the_file_and_field()
    {
        using var index = Build("Flat");
        var bytes = index.ToBytes();
        // IDMap2 (fourcc + 33-byte header), then the Flat index (fourcc + header), then its vector count.
        const int CodesCount = 4 + 33 + 4 + 33;
        Assert.Equal((long)Dimension * 2000, BitConverter.ToInt64(bytes, CodesCount));
        BitConverter.TryWriteBytes(bytes.AsSpan(CodesCount, 8), (1L << 40) - 1);
        var path = Path.Combine(_folder, "huge.faiss");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<FaissException>(() => FaissIndex.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("field 'index(IDMap).index(Flat).codes'", error.Message);
        Assert.Contains("claims 1099511627775 elements", error.Message);
        Assert.Contains("field 'index(IDMap).index(Flat).codes'", Assert.Throws<FaissException>(() => FaissIndex.FromBytes(bytes)).Message);
    }

    [Fact]
    public void An_hnsw_link_outside_the_graph_is_refused_at_load_instead_of_crashing_a_search()
    {
        using var index = Build("HNSW16");
        var bytes = index.ToBytes();
        // IDMap2 header, then IHNf + header, then assign_probas (f64), cum_nneighbor_per_level (i32), levels (i32),
        // offsets (u64), neighbors (i32): each a 64-bit count and its elements.
        var at = 4 + 33 + 4 + 33;
        foreach (var size in new[] { 8, 4, 4, 8 })
        {
            at += 8 + (int)(BitConverter.ToInt64(bytes, at) * size);
        }
        var links = BitConverter.ToInt64(bytes, at);
        Assert.True(links > 2000);
        BitConverter.TryWriteBytes(bytes.AsSpan(at + 8 + 40, 4), 2_000_000); // one link to a node that does not exist
        var error = Assert.Throws<FaissException>(() => FaissIndex.FromBytes(bytes));
        Assert.Contains("field 'index.index.hnsw.neighbors[10]' is 2000000, not a node (ntotal=2000)", error.Message);
    }

    private static FaissIndex Build(string factory)
    {
        var (data, _) = ClusteredVectors.GenerateWithQueries(2000, 1, Dimension, seed: 31);
        var index = FaissIndex.Create(Dimension, factory, VectorMetric.L2);
        index.Train(data);
        index.AddWithIds(data, Enumerable.Range(0, 2000).Select(i => 1000L + i).ToArray());
        return index;
    }

    private static void AssertSame(FaissIndex expected, FaissIndex actual)
    {
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Dimension, actual.Dimension);
        Assert.Equal(expected.Metric, actual.Metric);
        Assert.Equal(expected.DefaultNProbe, actual.DefaultNProbe);
        Assert.Equal(expected.DefaultEfSearch, actual.DefaultEfSearch);
        var (_, queries) = ClusteredVectors.GenerateWithQueries(2000, 50, Dimension, seed: 31);
        var expectedIds = new long[50 * K];
        var expectedDistances = new float[50 * K];
        var actualIds = new long[50 * K];
        var actualDistances = new float[50 * K];
        expected.Search(queries, K, expectedDistances, expectedIds);
        actual.Search(queries, K, actualDistances, actualIds);
        Assert.Equal(expectedIds, actualIds);
        Assert.Equal(expectedDistances, actualDistances);
        Assert.All(actualIds, id => Assert.InRange(id, 1000, 2999));
    }
}
