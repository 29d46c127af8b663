using System.Text;

namespace VectorImageSearch.Tests.StoreConformance;

/// <summary>The seam's answers to the questions a store author asks (IImageRecordStore's docs): duplicates, ids, order, K.</summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>
    /// Whether a replaced record keeps its id when its vector changes (PostgreSQL: yes; the FAISS folder store gives a new
    /// one). Every store keeps the id when only the catalog fields change.
    /// </summary>
    protected virtual bool KeepsIdWhenTheVectorChanges => true;

    [Fact]
    public async Task A_key_twice_in_one_batch_is_refused_and_nothing_is_written()
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(17, Dimension);
        var kept = data.Record("/kept.jpg");
        await store.UpsertAsync([kept]);

        var batch = new[] { data.Record("/a.jpg"), data.Record("/kept.jpg"), data.Record("/a.jpg") };
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => store.UpsertAsync(batch));

        Assert.Contains("/a.jpg", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await store.CountAsync());
        Assert.Null(await store.GetAsync("/a.jpg"));
        Assert.Equal(kept.ContentHash, (await store.GetAsync("/kept.jpg"))!.ContentHash);
    }

    [Fact]
    public async Task A_replaced_record_keeps_its_id()
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(19, Dimension);
        var first = data.Record("/r.jpg");
        var id = (await store.UpsertAsync([first, data.Record("/other.jpg")]))[0];

        var touched = first with { ContentHash = "touched", LastWriteUtc = ConformanceData.Epoch.AddDays(9) };
        Assert.Equal([id], await store.UpsertAsync([touched]));
        var got = (await store.GetAsync("/r.jpg"))!;
        Assert.Equal((id, "touched"), (got.Id, got.ContentHash));

        var changed = data.Record("/r.jpg") with { ContentHash = "changed" };
        var newId = Assert.Single(await store.UpsertAsync([changed]));
        Assert.Equal(newId, (await store.GetAsync("/r.jpg"))!.Id);
        if (KeepsIdWhenTheVectorChanges)
        {
            Assert.Equal(id, newId);
        }
        else
        {
            Assert.NotEqual(id, newId);
        }
        Assert.Equal(2, await store.CountAsync());
        var hits = await store.SearchAsync(changed.Vector, new ImageStoreSearchOptions { K = 2, EngineParameters = SearchParameters });
        Assert.Equal("/r.jpg", hits[0].Record.Key);
        Assert.Equal(("changed", newId), (hits[0].Record.ContentHash, hits[0].Record.Id));
        Assert.Equal(2, hits.Select(h => h.Record.Key).Distinct().Count());
    }

    [Fact]
    public async Task ListAsync_returns_keys_in_code_point_order()
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(23, Dimension);
        // Upper before lower case, '/' before '0', U+FF01 before an emoji (UTF-16 order would put the emoji first),
        // a key before its extensions; none of these sort so under a linguistic collation.
        string[] keys = ["/b.jpg", "/a.jpg", "/B.jpg", "/a/x.jpg", "/a0.jpg", "/\uFF01.jpg", "/\U0001F600.jpg", "/é.jpg", "/a", "/_.jpg"];
        await store.UpsertAsync(keys.Select(data.Record).ToList());
        var want = keys.OrderBy(k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();

        var listed = new List<string>();
        await foreach (var record in store.ListAsync())
        {
            listed.Add(record.Key);
        }
        var prefixed = new List<string>();
        await foreach (var record in store.ListAsync("/a"))
        {
            prefixed.Add(record.Key);
        }

        Assert.Equal(want, listed);
        Assert.Equal(want.Where(k => k.StartsWith("/a", StringComparison.Ordinal)), prefixed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(ImageStoreSearchOptions.MaxK + 1)]
    public async Task A_k_outside_one_to_MaxK_is_refused(int k)
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(29, Dimension);
        await store.UpsertAsync([data.Record("/one.jpg")]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            store.SearchAsync(data.Vector(), new ImageStoreSearchOptions { K = k, EngineParameters = SearchParameters }));
        var hits = await store.SearchAsync(data.Vector(), new ImageStoreSearchOptions { K = ImageStoreSearchOptions.MaxK, EngineParameters = SearchParameters });
        Assert.Equal("/one.jpg", Assert.Single(hits).Record.Key);
    }
}
