using Microsoft.Extensions.Options;

namespace VectorImageSearch.Samples.Web.Services;

/// <summary>
/// At start: loads the models and the saved index (so a bad model path fails the start, not the first search), and
/// indexes the image folder in the background when the index is empty and <see cref="ImageSearchWebOptions.IndexOnStartup"/> is on.
/// </summary>
internal sealed class StartupIndexer(
    IServiceProvider services, IOptions<ImageSearchWebOptions> options, ILogger<StartupIndexer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.IndexOnStartup)
        {
            return Task.CompletedTask;
        }
        var search = services.GetRequiredService<IImageSearch>();
        var count = search.Count;
        if (count == 0)
        {
            logger.LogInformation("The index is empty: indexing the image folder in the background.");
            services.GetRequiredService<IndexingCoordinator>().TryStart();
        }
        else
        {
            logger.LogInformation("Loaded an index of {Count} images.", count);
        }
        return Task.CompletedTask;
    }

    // A run still going on is cancelled when the container disposes the coordinator (it waits for the batch and saves).
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
