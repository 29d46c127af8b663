using Microsoft.Extensions.VectorData;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>A collection used from many threads at once, as the abstraction expects: whole batches, no lost writes.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Parallel_writers_and_readers_see_whole_batches_and_every_write_lands()
    {
        using var store = new FaissVectorStore(new FaissImageStoreOptions { IndexSpec = "Flat" });
        const int Batches = 40, BatchSize = 5;
        var random = new Random(5);
        var vectors = Enumerable.Range(0, Batches * BatchSize).Select(_ => Vectors.Unit(random.NextSingle() + 0.1f, random.NextSingle(), random.NextSingle(), random.NextSingle())).ToArray();
        var torn = 0;
        using var done = new CancellationTokenSource();

        async Task WriteAsync(int writer)
        {
            // Every writer has its own collection object: they share the store behind the name.
            var photos = store.GetCollection<long, Photo>("photos");
            for (var b = writer; b < Batches; b += 4)
            {
                var batch = b;
                await photos.UpsertAsync(Enumerable.Range(0, BatchSize).Select(i => new Photo
                {
                    Id = batch * BatchSize + i,
                    Album = "batch" + batch,
                    Embedding = vectors[batch * BatchSize + i],
                }));
            }
        }

        async Task ReadAsync(int reader)
        {
            var photos = store.GetCollection<long, Photo>("photos");
            var r = new Random(reader);
            while (!done.IsCancellationRequested)
            {
                var album = "batch" + r.Next(Batches);
                var hits = await photos.SearchAsync(vectors[r.Next(vectors.Length)], 50, new VectorSearchOptions<Photo> { Filter = p => p.Album == album }).ToListAsync();
                if (hits.Count is not (0 or BatchSize))
                {
                    Interlocked.Increment(ref torn);
                }
            }
        }

        var readers = Enumerable.Range(0, 3).Select(i => Task.Run(() => ReadAsync(i))).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => WriteAsync(i))));
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, torn);
        var all = await store.GetCollection<long, Photo>("photos").GetAsync(_ => true, 1000).ToListAsync();
        Assert.Equal(Enumerable.Range(0, Batches * BatchSize).Select(i => (long)i), all.Select(p => p.Id).Order());
    }
}
