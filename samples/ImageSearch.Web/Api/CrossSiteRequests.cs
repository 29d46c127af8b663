namespace VectorImageSearch.Samples.Web.Api;

/// <summary>
/// Refuses the API's state-changing calls (start or cancel indexing, image uploads) when a browser makes them on behalf
/// of another site — cross-site request forgery: any page the user visits could otherwise POST to a server on their
/// machine or network. Browsers say where a request comes from (<c>Sec-Fetch-Site</c>, <c>Origin</c>) and a page
/// cannot forge either; a request with neither comes from a program (curl, HttpClient), not from a browser tab, and
/// passes. Behind a reverse proxy the server must see the public scheme and host (forwarded headers) for the
/// comparison to hold.
/// </summary>
internal static class CrossSiteRequests
{
    /// <summary>Adds the check to every endpoint of <paramref name="api"/>.</summary>
    public static RouteGroupBuilder RefuseCrossSiteWrites(this RouteGroupBuilder api)
    {
        api.AddEndpointFilter(async (context, next) =>
            WhyCrossSite(context.HttpContext.Request) is { } why
                ? ApiProblems.Problem(StatusCodes.Status403Forbidden, "Cross-site request refused", why)
                : await next(context));
        return api;
    }

    /// <summary>Why <paramref name="request"/> is a write from another site, or null when it is a read or comes from this one.</summary>
    public static string? WhyCrossSite(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return null;
        }
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return $"The browser reports this {request.Method} as '{site}' (Sec-Fetch-Site); only this server's own page may change its state.";
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsThisServer(origin, request))
        {
            return $"The request comes from '{origin}', not from this server ({request.Scheme}://{request.Host}); only this server's own page may change its state.";
        }
        return null;
    }

    private static bool IsThisServer(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
