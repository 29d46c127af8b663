using Microsoft.Extensions.Options;
using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web.Api;

/// <summary>The status, and indexing the image folder: start, cancel, and live progress as server-sent events.</summary>
internal static class IndexingEndpoints
{
    public static RouteGroupBuilder MapIndexingEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/status", GetStatus)
            .WithName("GetStatus").WithSummary("The index's size, model and store, and the indexing status.")
            .Produces<StatusResponse>().ProducesProblem(429);
        api.MapPost("/indexing", Start)
            .WithName("StartIndexing").WithSummary("Starts indexing the configured image folder; 409 while a run is going on.")
            .Produces<IndexingStatus>(202).ProducesProblem(409).ProducesProblem(429);
        api.MapDelete("/indexing", Cancel)
            .WithName("CancelIndexing").WithSummary("Cancels the running indexing after its current batch; 409 when none runs.")
            .Produces<IndexingStatus>(202).ProducesProblem(409).ProducesProblem(429);
        api.MapGet("/indexing/events", Watch)
            .WithName("WatchIndexing").WithSummary("The indexing status now and at every change, as server-sent events named \"status\".")
            .Produces(200, contentType: "text/event-stream");
        return api;
    }

    private static async Task<StatusResponse> GetStatus(IImageSearch search, IImageEncoder encoder, IndexingCoordinator indexing, WebPaths paths,
        IOptions<ImageSearchOptions> library, IOptions<ImageSearchWebOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return new StatusResponse(
            await search.CountAsync(cancellationToken),
            ModelDescription.Name(library.Value),
            encoder.ModelFingerprint,
            encoder.Dimension,
            library.Value.Store.ToLowerInvariant(),
            search.IndexDescription,
            paths.Images.Name,
            ModelDescription.SearchesText(library.Value),
            settings.MaxResults,
            settings.MaxUploadBytes,
            indexing.Status);
    }

    private static IResult Start(IndexingCoordinator indexing)
    {
        var (started, status) = indexing.TryStart();
        return started
            ? TypedResults.Accepted("/api/indexing/events", status)
            : ApiProblems.Conflict($"Indexing run {status.Run} is going on ({status.Done} of {status.Total} images); cancel it or wait for it to end.");
    }

    private static IResult Cancel(IndexingCoordinator indexing) =>
        indexing.TryCancel()
            ? TypedResults.Accepted("/api/indexing/events", indexing.Status)
            : ApiProblems.Conflict("No indexing run is going on.");

    private static IResult Watch(IndexingCoordinator indexing, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(indexing.WatchAsync(cancellationToken), eventType: "status");
}
