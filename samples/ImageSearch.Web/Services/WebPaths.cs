using Microsoft.Extensions.Options;

namespace VectorImageSearch.Samples.Web.Services;

/// <summary>The sample's folders as full paths: relative settings are taken from the program's folder.</summary>
internal sealed class WebPaths
{
    public WebPaths(IOptions<ImageSearchWebOptions> options)
    {
        Images = new ImageFolder(Resolve(options.Value.ImageFolder));
        ThumbnailCache = Resolve(options.Value.ThumbnailCachePath);
    }

    /// <summary>The image folder.</summary>
    public ImageFolder Images { get; }

    /// <summary>The thumbnail cache folder.</summary>
    public string ThumbnailCache { get; }

    /// <summary><paramref name="path"/> as a full path, relative ones from the program's folder.</summary>
    public static string Resolve(string path) => Path.GetFullPath(path, AppContext.BaseDirectory);
}
