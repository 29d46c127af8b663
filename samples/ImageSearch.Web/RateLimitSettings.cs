using System.ComponentModel.DataAnnotations;

namespace VectorImageSearch.Samples.Web;

/// <summary>
/// Per-client request limits (fixed windows, partitioned by the remote IP address); a client over its limit gets 429
/// with Retry-After. Thumbnails have their own, larger budget: one page of results asks for dozens at once.
/// </summary>
public sealed class RateLimitSettings
{
    /// <summary>API requests (searches, status, indexing) per client per window.</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 60;

    /// <summary>Thumbnail requests per client per window.</summary>
    [Range(1, int.MaxValue)]
    public int ThumbnailPermitLimit { get; set; } = 600;

    /// <summary>The window's length in seconds.</summary>
    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 10;
}
