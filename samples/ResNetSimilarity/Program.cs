// Image-to-image similarity with a ResNet50-style backbone: index a folder, then find the images most like a few
// query images. The bundled demo CNN stands in for a headless ResNet50; pass --model to use a real export.
//
//   dotnet run --project samples/ResNetSimilarity [-- --images <folder> --model <resnet folder> --out <folder>]
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch;
using VectorImageSearch.Onnx;
using VectorImageSearch.Samples;

var images = Argument(args, "--images") ?? Path.Combine(AppContext.BaseDirectory, "images", "shapes");
var model = Argument(args, "--model") ?? Path.Combine(AppContext.BaseDirectory, "models", "resnet-tiny-shapes");
var output = Path.GetFullPath(Argument(args, "--out") ?? Path.Combine("out", "resnet-similarity"));

var services = new ServiceCollection();
services.AddImageSearch(o =>
{
    o.UseImageEncoder(model, ImageEncoderPreset.ResNet50);
    o.IndexPath = Path.Combine(output, "index");
});
await using var provider = services.BuildServiceProvider();
var search = provider.GetRequiredService<IImageSearch>();

var report = await search.IndexDirectoryAsync(images);
Console.WriteLine($"Indexed {report.Encoded} images ({report.Unchanged} unchanged, {report.Failures.Count} failed) with {Path.GetFileName(model)}; " +
                  $"the index holds {search.Count} images.");
await search.SaveAsync();

// A few query images spread over the folder; each one's neighbours (itself excluded) should share its colour and shape.
var files = Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
var queries = Enumerable.Range(0, 4).Select(i => files[i * files.Count / 4]).ToList();
var gallery = new List<GalleryQuery>();
foreach (var query in queries)
{
    var hits = (await search.SearchAsync(ImageInput.FromFile(query), k: 6)).Where(h => h.Key != Path.GetFullPath(query)).Take(5).ToList();
    Console.WriteLine();
    Console.WriteLine($"Images like {Path.GetFileName(query)}:");
    foreach (var hit in hits)
    {
        Console.WriteLine($"  {hit.Score:F3}  {Path.GetFileName(hit.Key)}");
    }
    gallery.Add(new GalleryQuery($"Images like {Path.GetFileName(query)}", query, hits));
}
var galleryPath = Path.Combine(output, "gallery.html");
HtmlGallery.Write(galleryPath, "VectorImageSearch: image-to-image with a ResNet-style backbone", gallery);
Console.WriteLine();
Console.WriteLine($"Gallery: {galleryPath}");

static string? Argument(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
