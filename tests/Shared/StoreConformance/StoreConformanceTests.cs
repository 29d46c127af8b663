namespace VectorImageSearch.Tests.StoreConformance;

/// <summary>
/// The behaviour every <see cref="IImageRecordStore"/> must have, checked against <see cref="StoreModel"/> (a dictionary
/// of records, brute-force cosine top-k and <see cref="ImageRecordFilter.Matches"/>). A store's test project derives from
/// this class, links this folder as source and implements <see cref="CreateStoreAsync"/>.
/// </summary>
/// <remarks>
/// Exactness: by default every search must return exactly the model's top k (scores compared within 1e-4, so ties may
/// come in either order). A store whose index is approximate either configures it to be exact on these small sets (for
/// example HNSW with a search depth above the number of stored vectors, as the PostgreSQL tests do) or overrides
/// <see cref="ExactSearch"/> to <see langword="false"/> and <see cref="MinimumRecall"/>; then every hit must still be a
/// valid match (filter, score, order) and recall@k over the whole run must reach the minimum.
/// Timestamps are whole seconds and vectors have 16 dimensions, so storage precision plays no part.
/// </remarks>
public abstract partial class StoreConformanceTests
{
    /// <summary>The dimension of the suite's vectors.</summary>
    protected const int Dimension = 16;

    private const float ScoreTolerance = 1e-4f;

    /// <summary>
    /// Creates a store for the collection named <paramref name="collection"/> (a fresh name per test: lower-case letters,
    /// digits, underscores), not yet opened. Two calls with one name reach the same collection, as two processes would.
    /// </summary>
    protected abstract Task<IImageRecordStore> CreateStoreAsync(string collection);

    /// <summary>Whether searches must return exactly the model's top k.</summary>
    protected virtual bool ExactSearch => true;

    /// <summary>The least recall@k over the random run, where <see cref="ExactSearch"/> is false.</summary>
    protected virtual double MinimumRecall => 1.0;

    /// <summary>The engine parameters the suite passes to every search (null: the store's defaults).</summary>
    protected virtual StoreSearchParameters? SearchParameters => null;

    private const string Fingerprint = "conformance-model";

    private static string NewCollection() => "c_" + Guid.NewGuid().ToString("N");

    private async Task<IImageRecordStore> OpenAsync(string collection)
    {
        var store = await CreateStoreAsync(collection);
        await store.OpenAsync(Fingerprint, Dimension);
        return store;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_operations_match_the_model(int seed)
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(seed, Dimension);
        var model = new StoreModel();
        var random = data.Random;
        int found = 0, expected = 0, searches = 0;
        for (var step = 0; step < 160; step++)
        {
            var op = random.Next(10);
            if (op < 4)
            {
                var keys = Enumerable.Range(0, random.Next(1, 12)).Select(_ => data.Key()).Distinct(StringComparer.Ordinal).ToList();
                var batch = keys.Select(data.Record).ToList();
                var ids = await store.UpsertAsync(batch);
                model.Upsert(batch);
                Assert.Equal(batch.Count, ids.Count);
                Assert.Equal(ids.Count, ids.Distinct().Count());
                for (var i = 0; i < batch.Count; i++)
                {
                    Assert.Equal(ids[i], (await store.GetAsync(batch[i].Key))!.Id);
                }
            }
            else if (op == 4)
            {
                var keys = Enumerable.Range(0, random.Next(1, 6)).Select(_ => data.Key()).Append("/never/there.jpg").ToList();
                Assert.Equal(model.Delete(keys), await store.DeleteAsync(keys));
            }
            else if (op == 5)
            {
                var prefix = random.Next(4) == 0 ? null : ConformanceData.Folders[random.Next(ConformanceData.Folders.Length)];
                var listed = new List<ImageRecord>();
                await foreach (var record in store.ListAsync(prefix))
                {
                    listed.Add(record);
                }
                var want = model.List(prefix);
                Assert.Equal(want.Select(r => r.Key).Order(StringComparer.Ordinal), listed.Select(r => r.Key).Order(StringComparer.Ordinal));
                foreach (var record in listed)
                {
                    Assert.True(model.TryGet(record.Key, out var stored));
                    AssertSameCatalog(stored, record);
                }
            }
            else if (op == 6)
            {
                var key = data.Key();
                var includeVector = random.Next(2) == 0;
                var record = await store.GetAsync(key, includeVector);
                if (!model.TryGet(key, out var stored))
                {
                    Assert.Null(record);
                    continue;
                }
                Assert.NotNull(record);
                AssertSameCatalog(stored, record);
                if (includeVector)
                {
                    Assert.Equal(stored.Vector.ToArray(), record.Vector.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
                }
                else
                {
                    Assert.True(record.Vector.IsEmpty);
                }
            }
            else
            {
                var query = data.Vector();
                var options = new ImageStoreSearchOptions
                {
                    K = random.Next(1, 25),
                    MinScore = random.Next(3) == 0 ? (float)(random.NextDouble() * 1.2 - 0.2) : null,
                    Filter = data.Filter(),
                    EngineParameters = SearchParameters,
                };
                var hits = await store.SearchAsync(query, options);
                var (hit, want) = AssertSearch(model, query, options, hits);
                found += hit;
                expected += want;
                searches++;
            }
            Assert.Equal(model.Count, await store.CountAsync());
        }
        Assert.True(searches > 20, $"only {searches} searches ran");
        var recall = expected == 0 ? 1.0 : (double)found / expected;
        Assert.True(recall >= MinimumRecall, $"recall@k {recall:F4} over {searches} searches is below {MinimumRecall}");
    }

    [Fact]
    public async Task A_batch_that_fails_midway_leaves_nothing_visible()
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(7, Dimension);
        var kept = data.Record("/keep.jpg");
        await store.UpsertAsync([kept]);

        var wrongDimension = data.Record("/bad.jpg") with { Vector = new float[Dimension + 1] };
        var batch = new[] { data.Record("/new1.jpg"), data.Record("/keep.jpg"), wrongDimension, data.Record("/new2.jpg") };
        await Assert.ThrowsAnyAsync<Exception>(() => store.UpsertAsync(batch));

        Assert.Equal(1, await store.CountAsync());
        Assert.Equal(kept.ContentHash, (await store.GetAsync("/keep.jpg"))!.ContentHash);
        Assert.Null(await store.GetAsync("/new1.jpg"));
        Assert.Null(await store.GetAsync("/new2.jpg"));
        var hits = await store.SearchAsync(batch[0].Vector, new ImageStoreSearchOptions { K = 10, EngineParameters = SearchParameters });
        Assert.Equal(["/keep.jpg"], hits.Select(h => h.Record.Key));
    }

    [Fact]
    public async Task Another_model_or_dimension_is_refused_and_the_same_one_reopens()
    {
        var collection = NewCollection();
        var data = new ConformanceData(11, Dimension);
        var records = new[] { data.Record("/a.jpg"), data.Record("/b.jpg"), data.Record("/c.jpg") };
        await using (var store = await OpenAsync(collection))
        {
            await store.UpsertAsync(records);
            await store.FlushAsync();
        }
        await using (var other = await CreateStoreAsync(collection))
        {
            // The seam's type or a store's own subclass of it (the folder store's IndexCompatibilityException).
            var e = await Assert.ThrowsAnyAsync<ImageStoreCompatibilityException>(() => other.OpenAsync("another-model", Dimension));
            Assert.Contains("another-model", e.Message, StringComparison.Ordinal);
            Assert.Contains("conformance-model", e.Message, StringComparison.Ordinal);
        }
        await using (var other = await CreateStoreAsync(collection))
        {
            await Assert.ThrowsAnyAsync<ImageStoreCompatibilityException>(() => other.OpenAsync(Fingerprint, Dimension * 2));
        }
        await using (var again = await OpenAsync(collection))
        {
            Assert.Equal(3, await again.CountAsync());
            var hits = await again.SearchAsync(records[1].Vector, new ImageStoreSearchOptions { K = 1, EngineParameters = SearchParameters });
            Assert.Equal("/b.jpg", Assert.Single(hits).Record.Key);
            Assert.Equal(1f, hits[0].Score, 1e-4f);
        }
    }

    [Theory]
    [InlineData("", Dimension, "modelFingerprint")]
    [InlineData(" ", Dimension, "modelFingerprint")]
    [InlineData(Fingerprint, 0, "dimension")]
    [InlineData(Fingerprint, -3, "dimension")]
    public async Task Opening_with_an_empty_fingerprint_or_a_dimension_below_1_names_the_argument(string fingerprint, int dimension, string argument)
    {
        await using var store = await CreateStoreAsync(NewCollection());
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => store.OpenAsync(fingerprint, dimension));
        Assert.Equal(argument, e.ParamName);
        await store.OpenAsync(Fingerprint, Dimension);
        Assert.Equal(0, await store.CountAsync());
    }

    [Fact]
    public async Task Key_prefixes_are_literal_and_ordinal()
    {
        await using var store = await OpenAsync(NewCollection());
        var data = new ConformanceData(13, Dimension);
        string[] keys = ["/a%b/1.jpg", "/aXb/2.jpg", "/a_b/3.jpg", "/A%b/4.jpg", "/a%b/sub/5.jpg", "/a%bc/6.jpg", "/a\\b/7.jpg"];
        await store.UpsertAsync(keys.Select(data.Record).ToList());
        foreach (var prefix in new[] { "/a%b/", "/a_b/", "/a%", "/a\\", "/A", "" })
        {
            var listed = new List<string>();
            await foreach (var record in store.ListAsync(prefix))
            {
                listed.Add(record.Key);
            }
            var want = keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);
            Assert.Equal(want, listed.Order(StringComparer.Ordinal));
            var hits = await store.SearchAsync(data.Vector(), new ImageStoreSearchOptions
            {
                K = 10,
                Filter = new ImageRecordFilter { KeyPrefix = prefix },
                EngineParameters = SearchParameters,
            });
            Assert.Equal(want, hits.Select(h => h.Record.Key).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Parallel_writers_and_readers_see_whole_batches()
    {
        const int writers = 4, batches = 8, batchSize = 8;
        await using var store = await OpenAsync(NewCollection());
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var data = new ConformanceData(100 + w, Dimension);
            for (var b = 0; b < batches; b++)
            {
                var tag = $"{w}-{b}";
                var batch = Enumerable.Range(0, batchSize).Select(r => data.Record($"/w{w}/b{b}/r{r}.jpg") with
                {
                    Metadata = new Dictionary<string, string> { ["batch"] = tag },
                }).ToList();
                await store.UpsertAsync(batch);
            }
        })).ToArray();
        var all = Task.WhenAll(writing);
        var reads = 0;
        var reading = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var data = new ConformanceData(200 + r, Dimension);
            do
            {
                var perBatch = new Dictionary<string, int>();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                await foreach (var record in store.ListAsync())
                {
                    Assert.True(keys.Add(record.Key), $"key {record.Key} listed twice");
                    perBatch[record.Metadata["batch"]] = perBatch.GetValueOrDefault(record.Metadata["batch"]) + 1;
                }
                Assert.All(perBatch, p => Assert.True(p.Value == batchSize, $"batch {p.Key}: {p.Value} of {batchSize} records visible"));
                var hits = await store.SearchAsync(data.Vector(), new ImageStoreSearchOptions { K = 20, EngineParameters = SearchParameters });
                Assert.Equal(hits.Count, hits.Select(h => h.Record.Key).Distinct().Count());
                Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score - 1e-6f), "hits out of order");
                Interlocked.Increment(ref reads);
            }
            while (!all.IsCompleted);
        })).ToArray();
        await Task.WhenAll(reading.Append(all));
        Assert.Equal(writers * batches * batchSize, await store.CountAsync());
        Assert.True(reads >= 3);
        var ids = new HashSet<long>();
        await foreach (var record in store.ListAsync())
        {
            Assert.True(ids.Add(record.Id), $"id {record.Id} given twice");
        }
    }

    private static string Describe(ImageRecordFilter? filter) => filter is null ? "none" :
        $"prefix '{filter.KeyPrefix}', metadata {{{string.Join(", ", filter.Metadata?.Select(p => $"{p.Key}={p.Value}") ?? [])}}}, from {filter.ModifiedFromUtc:O}, before {filter.ModifiedBeforeUtc:O}";

    private static void AssertSameCatalog(ImageRecord expected, ImageRecord actual)
    {
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.ContentHash, actual.ContentHash);
        Assert.Equal(expected.SizeBytes, actual.SizeBytes);
        Assert.Equal(expected.LastWriteUtc, actual.LastWriteUtc);
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.True(actual.Id > 0, $"record {actual.Key} has id {actual.Id}");
    }

    /// <summary>Checks one search against the model; returns (true neighbours found, true neighbours expected).</summary>
    private (int Found, int Expected) AssertSearch(StoreModel model, float[] query, ImageStoreSearchOptions options, IReadOnlyList<ImageRecordMatch> hits)
    {
        var ranked = model.Ranked(query, options.Filter);
        var min = options.MinScore ?? float.NegativeInfinity;
        Assert.True(hits.Count <= options.K, $"{hits.Count} hits for k = {options.K}");
        Assert.Equal(hits.Count, hits.Select(h => h.Record.Key).Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            Assert.True(model.TryGet(hit.Record.Key, out var stored), $"hit {hit.Record.Key} is not in the store");
            Assert.True(options.Filter?.Matches(stored) ?? true, $"hit {hit.Record.Key} does not match the filter {Describe(options.Filter)}");
            AssertSameCatalog(stored, hit.Record);
            Assert.True(hit.Record.Vector.IsEmpty, "search hits come without vectors");
            var score = StoreModel.Dot(query, stored.Vector.Span);
            Assert.True(Math.Abs(score - hit.Score) < ScoreTolerance, $"hit {hit.Record.Key}: score {hit.Score}, expected {score}");
            Assert.True(hit.Score >= min - ScoreTolerance, $"hit {hit.Record.Key}: score {hit.Score} below MinScore {min}");
            Assert.True(i == 0 || hits[i - 1].Score >= hit.Score - 1e-6f, $"hits out of order at {i}");
        }
        var top = ranked.Take(options.K).ToList();
        var mustHave = top.Count(r => r.Score >= min + ScoreTolerance);
        var mayHave = top.Count(r => r.Score >= min - ScoreTolerance);
        if (ExactSearch)
        {
            Assert.True(hits.Count >= mustHave && hits.Count <= mayHave,
                $"{hits.Count} hits, expected {mustHave}..{mayHave} (k {options.K}, MinScore {options.MinScore}, filter {Describe(options.Filter)})");
            for (var i = 0; i < hits.Count; i++)
            {
                Assert.True(Math.Abs(top[i].Score - hits[i].Score) < ScoreTolerance,
                    $"hit {i} is {hits[i].Record.Key} ({hits[i].Score}); expected {top[i].Record.Key} ({top[i].Score}), filter {Describe(options.Filter)}");
            }
            return (hits.Count, hits.Count);
        }
        var truth = top.Where(r => r.Score >= min).Select(r => r.Record.Key).ToHashSet(StringComparer.Ordinal);
        return (hits.Count(h => truth.Contains(h.Record.Key)), truth.Count);
    }
}
