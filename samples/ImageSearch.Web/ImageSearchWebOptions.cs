using System.ComponentModel.DataAnnotations;

namespace VectorImageSearch.Samples.Web;

/// <summary>
/// The web sample's settings (section "ImageSearchWeb"); the library's own settings (model, index spec, index path)
/// live in the section "ImageSearch". Relative paths are taken from the program's folder, where the build copies the
/// bundled demo model and shapes.
/// </summary>
public sealed class ImageSearchWebOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "ImageSearchWeb";

    /// <summary>The folder the index button indexes; thumbnails and "more like this" serve only files under it.</summary>
    [Required]
    public string ImageFolder { get; set; } = "images/shapes";

    /// <summary>Whether the app indexes <see cref="ImageFolder"/> at start when the index is empty.</summary>
    public bool IndexOnStartup { get; set; } = true;

    /// <summary>The edge of the square thumbnails, in pixels.</summary>
    [Range(16, 1024)]
    public int ThumbnailSize { get; set; } = 160;

    /// <summary>The folder generated thumbnails are cached in.</summary>
    [Required]
    public string ThumbnailCachePath { get; set; } = "thumbnails";

    /// <summary>The largest image upload accepted, in bytes; larger uploads get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The largest number of results one search may ask for (k); more gets 400.</summary>
    [Range(1, 10_000)]
    public int MaxResults { get; set; } = 100;

    /// <summary>The number of results when a search does not say.</summary>
    [Range(1, 10_000)]
    public int DefaultResults { get; set; } = 24;

    /// <summary>The longest text query accepted, in characters.</summary>
    [Range(1, 100_000)]
    public int MaxQueryLength { get; set; } = 500;

    /// <summary>Requests each client (remote IP address) may make.</summary>
    public RateLimitSettings RateLimit { get; set; } = new();
}
