// The quick start: index the bundled sample images with the bundled demo CLIP model, answer a few text queries and
// one image query, print the hits and write an HTML gallery.
//
//   dotnet run --project samples/QuickStart [-- --images <folder> --model <clip folder> --out <folder>]
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VectorImageSearch;
using VectorImageSearch.Samples;

var images = Argument(args, "--images") ?? Path.Combine(AppContext.BaseDirectory, "images", "shapes");
var model = Argument(args, "--model") ?? Path.Combine(AppContext.BaseDirectory, "models", "clip-tiny-shapes");
var output = Path.GetFullPath(Argument(args, "--out") ?? Path.Combine("out", "quickstart"));
string[] textQueries = ["a red circle", "a blue star", "a green triangle", "a yellow heart", "a purple cross on a white background"];

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddImageSearch(o =>
{
    o.UseClip(model);
    o.UseFaiss("Auto");
    o.IndexPath = Path.Combine(output, "index");
});
await using var provider = services.BuildServiceProvider();
var search = provider.GetRequiredService<IImageSearch>();

Console.WriteLine($"Indexing {images}");
Console.WriteLine($"  with {model}");
var report = await search.IndexDirectoryAsync(images, new Progress<IndexingProgress>(p =>
    Console.Write($"\r  {p.Done}/{p.Total} images, {p.ImagesPerSecond:F0} images/s   ")));
Console.WriteLine();
Console.WriteLine($"  {report.Encoded} encoded, {report.Unchanged} unchanged, {report.Removed} removed, {report.Failures.Count} failed " +
                  $"in {report.Elapsed.TotalSeconds:F1} s; the index holds {search.Count} images");
foreach (var (file, reason) in report.Failures)
{
    Console.WriteLine($"  skipped {file}: {reason}");
}
await search.SaveAsync();

var gallery = new List<GalleryQuery>();
foreach (var text in textQueries)
{
    var hits = await search.SearchAsync(text, k: 5);
    PrintHits($"\"{text}\"", hits);
    gallery.Add(new GalleryQuery($"\"{text}\"", null, hits));
}

var queryImage = Directory.EnumerateFiles(images, "*_red_circle.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault()
    ?? Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
var similar = await search.SearchAsync(ImageInput.FromFile(queryImage), k: 5);
PrintHits($"image {Path.GetFileName(queryImage)}", similar);
gallery.Add(new GalleryQuery($"Images like {Path.GetFileName(queryImage)}", queryImage, similar));

var galleryPath = Path.Combine(output, "gallery.html");
HtmlGallery.Write(galleryPath, "VectorImageSearch quick start", gallery);
Console.WriteLine();
Console.WriteLine($"Gallery: {galleryPath}");
Console.WriteLine($"Index:   {Path.Combine(output, "index")}");

static void PrintHits(string query, IReadOnlyList<SearchHit> hits)
{
    Console.WriteLine();
    Console.WriteLine($"Query: {query}");
    Console.WriteLine($"  {"rank",4}  {"score",6}  image");
    foreach (var hit in hits)
    {
        Console.WriteLine($"  {hit.Rank,4}  {hit.Score,6:F3}  {Path.GetFileName(hit.Key)}");
    }
}

static string? Argument(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
