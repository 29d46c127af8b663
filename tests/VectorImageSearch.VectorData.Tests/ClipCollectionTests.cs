using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using VectorImageSearch.Faiss;
using VectorImageSearch.Onnx;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>
/// A FaissVectorStore collection with the demo CLIP model's generators attached, as a Semantic Kernel or
/// Microsoft.Extensions.AI app would use it: images upserted as DataContent, searched by a sentence or another image; and an
/// index folder written by AddImageSearch().UseFaiss opened as a collection.
/// </summary>
public sealed class ClipCollectionTests : IDisposable
{
    private readonly ClipTextEncoder _text = new(RepoPaths.ClipTinyShapes);
    private readonly ClipImageEncoder _images = new(RepoPaths.ClipTinyShapes);
    private readonly string _root = Directory.CreateTempSubdirectory("vis-vectordata-clip-").FullName;

    public void Dispose()
    {
        _text.Dispose();
        _images.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private sealed record Label(string File, string Shape, string Colour);

    private static List<Label> Labels(int count) => File.ReadLines(Path.Combine(RepoPaths.Shapes, "labels.jsonl"))
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Select(e => new Label(e.GetProperty("file").GetString()!, e.GetProperty("shape").GetString()!, e.GetProperty("colour").GetString()!))
        .Take(count).ToList();

    private VectorStoreCollectionDefinition PictureDefinition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Picture.Id), typeof(Guid)),
            new VectorStoreDataProperty(nameof(Picture.File), typeof(string)),
            new VectorStoreDataProperty(nameof(Picture.Colour), typeof(string)),
            new VectorStoreDataProperty(nameof(Picture.Shape), typeof(string)),
            new VectorStoreVectorProperty(nameof(Picture.Image), typeof(DataContent), _images.Dimension),
        ],
    };

    [Fact]
    public async Task Images_upserted_as_DataContent_are_found_by_a_sentence_and_by_an_image()
    {
        using var store = new FaissVectorStore(options: new ImageRecordVectorStoreOptions
        {
            EmbeddingGenerator = new TextImageEmbeddingGenerator(_text, _images),
        });
        var pictures = store.GetCollection<Guid, Picture>("pictures", PictureDefinition());
        var labels = Labels(120);
        var records = labels.Select(l => new Picture
        {
            Id = Guid.NewGuid(),
            File = l.File,
            Colour = l.Colour,
            Shape = l.Shape,
            Image = new DataContent(File.ReadAllBytes(Path.Combine(RepoPaths.Shapes, l.File)), "image/png"),
        }).ToList();
        await pictures.UpsertAsync(records);

        // Every vector is the image encoder's, as the facade would have stored it.
        var seam = (IImageRecordStore)pictures.GetService(typeof(IImageRecordStore))!;
        var stored = await seam.GetAsync(records[5].Id.ToString("D"), includeVector: true);
        var direct = await ((IEmbeddingGenerator<DataContent, Embedding<float>>)_images).GenerateAsync([records[5].Image!]);
        Assert.Equal(1f, Vectors.Cosine(stored!.Vector.Span, direct[0].Vector.Span), 1e-5f);

        var red = await pictures.SearchAsync("a red circle", 3).ToListAsync();
        Assert.Equal(("red", "circle"), (red[0].Record.Colour, red[0].Record.Shape));
        var byText = await pictures.SearchAsync("a blue star", 3, new VectorSearchOptions<Picture> { Filter = p => p.Colour == "green" }).ToListAsync();
        Assert.All(byText, r => Assert.Equal("green", r.Record.Colour));

        var image = await pictures.SearchAsync(records[17].Image!, 1).SingleAsync();
        Assert.Equal((records[17].Id, 1.0), (image.Record.Id, Math.Round(image.Score!.Value, 4)));

        await Assert.ThrowsAsync<NotSupportedException>(() => pictures.GetAsync(records[0].Id, new RecordRetrievalOptions { IncludeVectors = true }));
    }

    [Fact]
    public async Task An_index_folder_written_by_the_image_search_opens_as_a_collection()
    {
        var index = Path.Combine(_root, "index");
        var services = new ServiceCollection();
        services.AddImageSearch().AddClip(RepoPaths.ClipTinyShapes).UseFaiss("Flat", index);
        var images = Path.Combine(RepoPaths.Shapes, "images");
        IReadOnlyList<SearchHit> expected;
        await using (var provider = services.BuildServiceProvider())
        {
            var search = provider.GetRequiredService<IImageSearch>();
            await search.IndexFilesAsync(Directory.GetFiles(images).Order(StringComparer.Ordinal).Take(50));
            await search.SaveAsync();
            expected = await search.SearchAsync("a yellow heart", k: 5);
        }

        // The encoder attached as generator brings the model's fingerprint, so the folder opens.
        using var store = new FaissVectorStore(new FaissImageStoreOptions { Path = _root }, new ImageRecordVectorStoreOptions { EmbeddingGenerator = new TextImageEmbeddingGenerator(_text, _images) });
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(IndexedImage.Path), typeof(string)),
                new VectorStoreDataProperty(nameof(IndexedImage.ContentHash), typeof(string)),
                new VectorStoreDataProperty(nameof(IndexedImage.SizeBytes), typeof(long)),
                new VectorStoreDataProperty(nameof(IndexedImage.LastWriteUtc), typeof(DateTimeOffset?)),
                new VectorStoreVectorProperty(nameof(IndexedImage.Vector), typeof(float[]), _images.Dimension),
            ],
        };
        var collection = store.GetCollection<string, IndexedImage>("index", definition);
        Assert.Equal(["index"], await store.ListCollectionNamesAsync().ToListAsync());
        var hits = await collection.SearchAsync("a yellow heart", 5).ToListAsync();
        Assert.Equal(expected.Select(h => h.Key), hits.Select(h => h.Record.Path));
        Assert.Equal(expected.Select(h => (double)h.Score), hits.Select(h => h.Score!.Value), (a, b) => Math.Abs(a - b) < 1e-4);
        var first = hits[0].Record;
        Assert.Equal(new FileInfo(first.Path).Length, first.SizeBytes);
        Assert.Equal(64, first.ContentHash!.Length);

        // Another model's fingerprint is refused, as the folder store refuses it.
        using var other = new FaissVectorStore(new FaissImageStoreOptions { Path = _root }, new ImageRecordVectorStoreOptions { ModelFingerprint = "another-model" });
        var refused = other.GetCollection<string, IndexedImage>("index", definition);
        await Assert.ThrowsAnyAsync<ImageStoreCompatibilityException>(() => refused.GetAsync(first.Path));
    }
}
