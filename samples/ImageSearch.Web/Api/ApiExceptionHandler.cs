using Microsoft.AspNetCore.Diagnostics;

namespace VectorImageSearch.Samples.Web.Api;

/// <summary>
/// Turns exceptions into problem+json in every environment, never with a stack trace or an exception type: a bad
/// request keeps its status code and message, anything else is a 500 that points at the server log by trace id.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = 499; // the client went away; nobody reads an answer
            return true;
        }
        var traceId = System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier;
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            ImageDecodeException decode => (StatusCodes.Status400BadRequest, "The image cannot be decoded", $"The image {decode.Problem}"),
            _ => (StatusCodes.Status500InternalServerError, "Server error",
                  $"The server failed to answer; its log has the details under trace id {traceId}."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Request {Method} {Path} failed (trace id {TraceId})", httpContext.Request.Method, httpContext.Request.Path, traceId);
        }
        await ProblemWriter.WriteAsync(httpContext, status, title, detail);
        return true;
    }
}
