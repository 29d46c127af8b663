namespace VectorImageSearch.Samples.Web.Api;

/// <summary>What the configured model can do, read from the library's options.</summary>
internal static class ModelDescription
{
    /// <summary>The model folder's name: the image-only model when one is set, otherwise the CLIP model.</summary>
    public static string Name(ImageSearchOptions options)
    {
        var folder = !string.IsNullOrWhiteSpace(options.ImageModelPath) ? options.ImageModelPath : options.ClipModelPath ?? string.Empty;
        return Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
    }

    /// <summary>Whether text queries work: a CLIP model embeds text, and no image-only model replaces its vision tower.</summary>
    public static bool SearchesText(ImageSearchOptions options) =>
        !string.IsNullOrWhiteSpace(options.ClipModelPath) && string.IsNullOrWhiteSpace(options.ImageModelPath);
}
