// CLIP with Microsoft.Extensions.VectorData, no facade: the library's CLIP encoders are Microsoft.Extensions.AI embedding
// generators, and FaissVectorStore is a VectorStore. Upsert images, then search them by a sentence, by an image and with a
// LINQ filter, as a Semantic Kernel or Microsoft.Extensions.AI application would. Exits with 1 when a search goes wrong.
//
//   dotnet run --project samples/VectorDataClip [-- --images <folder> --model <clip folder> --out <folder>]
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using VectorImageSearch.Faiss;
using VectorImageSearch.Onnx;
using VectorImageSearch.Samples.VectorDataClip;
using VectorImageSearch.VectorData;

var images = Argument(args, "--images") ?? Path.Combine(AppContext.BaseDirectory, "images", "shapes");
var model = Argument(args, "--model") ?? Path.Combine(AppContext.BaseDirectory, "models", "clip-tiny-shapes");
var output = Path.GetFullPath(Argument(args, "--out") ?? Path.Combine("out", "vectordata"));

using var text = new ClipTextEncoder(model);
using var imageEncoder = new ClipImageEncoder(model);

// One generator for both sides of CLIP: strings to the text tower, DataContent images to the image tower.
using var store = new FaissVectorStore(
    new FaissImageStoreOptions { Path = output },
    new ImageRecordVectorStoreOptions { EmbeddingGenerator = new TextImageEmbeddingGenerator(text, imageEncoder) });

// The record type's attributes, with the vector's dimension taken from the model.
var definition = new VectorStoreCollectionDefinition
{
    Properties =
    [
        new VectorStoreKeyProperty(nameof(ShapeImage.File), typeof(string)),
        new VectorStoreDataProperty(nameof(ShapeImage.Colour), typeof(string)) { IsIndexed = true },
        new VectorStoreDataProperty(nameof(ShapeImage.Shape), typeof(string)) { IsIndexed = true },
        new VectorStoreVectorProperty(nameof(ShapeImage.Image), typeof(DataContent), imageEncoder.Dimension),
    ],
};
var collection = store.GetCollection<string, ShapeImage>("shapes", definition);
await collection.EnsureCollectionDeletedAsync();
await collection.EnsureCollectionExistsAsync();

// Images are named like 0042_red_circle.png.
var files = Directory.GetFiles(images, "*.png").Order(StringComparer.Ordinal).ToArray();
Console.WriteLine($"Upserting {files.Length} images from {images}");
Console.WriteLine($"  with {model} ({imageEncoder.Dimension} dimensions) into {Path.Combine(output, "shapes")}");
foreach (var batch in files.Chunk(64))
{
    await collection.UpsertAsync(batch.Select(file =>
    {
        var parts = Path.GetFileNameWithoutExtension(file).Split('_');
        return new ShapeImage { File = file, Colour = parts[1], Shape = parts[2], Image = new DataContent(File.ReadAllBytes(file), "image/png") };
    }));
}

var failures = 0;
foreach (var (query, colour, shape) in new[] { ("a red circle", "red", "circle"), ("a blue star", "blue", "star"), ("a green triangle", "green", "triangle") })
{
    var hits = await collection.SearchAsync(query, 3).ToListAsync();
    Print($"\"{query}\"", hits);
    failures += Expect(hits[0].Record.Colour == colour && hits[0].Record.Shape == shape, $"the best match for \"{query}\" is a {colour} {shape}");
}

// A LINQ filter is applied before the nearest are chosen (FAISS ID selectors).
var yellow = await collection.SearchAsync("a heart", 3, new VectorSearchOptions<ShapeImage> { Filter = r => r.Colour == "yellow" }).ToListAsync();
Print("\"a heart\" where Colour == \"yellow\"", yellow);
failures += Expect(yellow.Count == 3 && yellow.All(h => h.Record.Colour == "yellow"), "every filtered match is yellow");

// An image as the query: the same picture comes first, with cosine similarity 1.
var queryFile = files.First(f => f.EndsWith("_purple_square.png", StringComparison.Ordinal));
var like = await collection.SearchAsync(new DataContent(File.ReadAllBytes(queryFile), "image/png"), 3).ToListAsync();
Print($"image {Path.GetFileName(queryFile)}", like);
failures += Expect(like[0].Record.File == queryFile && like[0].Score > 0.999, "an image finds itself first");

Console.WriteLine();
Console.WriteLine(failures == 0 ? "All searches returned what they should." : $"{failures} check(s) failed.");
return failures == 0 ? 0 : 1;

static void Print(string query, IReadOnlyList<VectorSearchResult<ShapeImage>> hits)
{
    Console.WriteLine();
    Console.WriteLine($"Query: {query}");
    foreach (var hit in hits)
    {
        Console.WriteLine($"  {hit.Score,6:F3}  {Path.GetFileName(hit.Record.File)}");
    }
}

static int Expect(bool condition, string what)
{
    if (!condition)
    {
        Console.Error.WriteLine($"FAILED: {what}");
    }
    return condition ? 0 : 1;
}

static string? Argument(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
