// Usage: VectorImageSearch.CrashHarness <clip model folder> <index folder> <images to add>
// Loads the index, indexes the images, prints "ready", then saves again and again until it is killed.
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: VectorImageSearch.CrashHarness <clip model folder> <index folder> <images folder>");
    return 2;
}
var services = new ServiceCollection();
services.AddImageSearch(o =>
{
    o.UseClip(args[0]);
    o.IndexPath = args[1];
});
await using var provider = services.BuildServiceProvider();
var search = provider.GetRequiredService<IImageSearch>();
await search.IndexDirectoryAsync(args[2]);
Console.WriteLine($"ready {search.Count}");
Console.Out.Flush();
for (var saves = 1; ; saves++)
{
    await search.SaveAsync();
}
