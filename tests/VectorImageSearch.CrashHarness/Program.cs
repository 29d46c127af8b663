// Usage: VectorImageSearch.CrashHarness <clip model folder> <index folder> <images folder> [index-and-save]
//        VectorImageSearch.CrashHarness decode-fuzz <source png> <first input> <count>   (see DecodeFuzz.cs)
//        VectorImageSearch.CrashHarness decode-files <folder>...   (see DecodeFiles.cs)
//        VectorImageSearch.CrashHarness faiss-build <index file> <count> <dimension> <factory string>   (see FaissMemory.cs)
//        VectorImageSearch.CrashHarness faiss-load <index file> <true|false: memory-map>
//        VectorImageSearch.CrashHarness memory-index <clip model folder> <images folder> <count> <index folder>   (see MemoryIndexing.cs)
// Default: loads the index, indexes the images, prints "ready", then saves again and again until it is killed.
// index-and-save: loads the index, prints "ready", then indexes the folder two images at a time (one decoder, so batches
// commit in the folder's name order), saving after every batch ("saved N" after each save), and goes on saving after the
// folder is done, until killed.
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch;

if (args is ["decode-fuzz", var sourcePng, var firstText, var countText])
{
    return DecodeFuzz.Run(sourcePng, int.Parse(firstText, System.Globalization.CultureInfo.InvariantCulture), int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture));
}
if (args is ["decode-files", .. var corpusFolders] && corpusFolders.Length > 0)
{
    return DecodeFiles.Run(corpusFolders);
}
if (args is ["faiss-build", var buildPath, var buildCount, var buildDimension, var buildFactory])
{
    return FaissMemory.Build(buildPath, int.Parse(buildCount, System.Globalization.CultureInfo.InvariantCulture), int.Parse(buildDimension, System.Globalization.CultureInfo.InvariantCulture), buildFactory);
}
if (args is ["faiss-load", var loadPath, var loadMap])
{
    return FaissMemory.Load(loadPath, bool.Parse(loadMap));
}
if (args is ["memory-index", var memoryModel, var memoryImages, var memoryCount, var memoryIndex])
{
    return await MemoryIndexing.RunAsync(memoryModel, memoryImages, int.Parse(memoryCount, System.Globalization.CultureInfo.InvariantCulture), memoryIndex);
}
if (args.Length is not (3 or 4) || (args.Length == 4 && args[3] != "index-and-save"))
{
    Console.Error.WriteLine("usage: VectorImageSearch.CrashHarness <clip model folder> <index folder> <images folder> [index-and-save]");
    return 2;
}
var indexAndSave = args.Length == 4;
var services = new ServiceCollection();
services.AddImageSearch(o =>
{
    o.UseClip(args[0]);
    o.IndexPath = args[1];
    if (indexAndSave)
    {
        o.BatchSize = 2;
        o.DecodeParallelism = 1;
    }
});
await using var provider = services.BuildServiceProvider();
var search = provider.GetRequiredService<IImageSearch>();
if (indexAndSave)
{
    Console.WriteLine($"ready {search.Count}");
    Console.Out.Flush();
    // Checkpoints: each run is stopped after its first committed batch and saved; the next run skips what is indexed.
    var complete = false;
    while (true)
    {
        if (!complete)
        {
            using var stop = new CancellationTokenSource();
            try
            {
                await search.IndexDirectoryAsync(args[2], new CancelAfterABatch(stop), stop.Token);
                complete = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }
        await search.SaveAsync();
        Console.WriteLine($"saved {search.Count}");
        Console.Out.Flush();
    }
}
await search.IndexDirectoryAsync(args[2]);
Console.WriteLine($"ready {search.Count}");
Console.Out.Flush();
for (var saves = 1; ; saves++)
{
    await search.SaveAsync();
}

/// <summary>Cancels an indexing run once it has committed a batch.</summary>
internal sealed class CancelAfterABatch(CancellationTokenSource stop) : IProgress<IndexingProgress>
{
    public void Report(IndexingProgress value)
    {
        if (value.Encoded > 0)
        {
            stop.Cancel();
        }
    }
}
