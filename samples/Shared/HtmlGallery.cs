using System.Net;
using System.Text;

namespace VectorImageSearch.Samples;

/// <summary>One query and its hits, for <see cref="HtmlGallery"/>.</summary>
/// <param name="Title">How the query reads ("a red circle", or "image: x.png").</param>
/// <param name="QueryImagePath">The query image, for image queries.</param>
/// <param name="Hits">The hits, best first.</param>
public sealed record GalleryQuery(string Title, string? QueryImagePath, IReadOnlyList<SearchHit> Hits);

/// <summary>Writes a self-contained HTML page of queries and their hits with thumbnails and scores.</summary>
public static class HtmlGallery
{
    private const long MaxInlineBytes = 512 * 1024;

    /// <summary>Writes the gallery to <paramref name="path"/>; small images are embedded, larger ones linked.</summary>
    public static void Write(string path, string heading, IEnumerable<GalleryQuery> queries)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").Append(Encode(heading)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;background:#fafafa}h1{font-size:22px}")
            .Append("section{margin:20px 0;padding:12px;background:#fff;border:1px solid #ddd;border-radius:8px}")
            .Append("h2{font-size:17px;margin:0 0 10px}.row{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}")
            .Append("figure{margin:0;width:150px;font-size:12px}figure img{width:150px;height:150px;object-fit:cover;border:1px solid #ccc}")
            .Append("figure.query img{border:3px solid #2a6}figcaption{word-break:break-all}")
            .Append("</style></head><body><h1>").Append(Encode(heading)).Append("</h1>");
        foreach (var query in queries)
        {
            html.Append("<section><h2>").Append(Encode(query.Title)).Append("</h2><div class=\"row\">");
            if (query.QueryImagePath is not null)
            {
                AppendFigure(html, query.QueryImagePath, "query", "query");
            }
            foreach (var hit in query.Hits)
            {
                AppendFigure(html, hit.Key, $"#{hit.Rank} score {hit.Score:F3}<br>{Encode(Path.GetFileName(hit.Key))}", null);
            }
            html.Append("</div></section>");
        }
        html.Append("</body></html>");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, html.ToString());
    }

    private static void AppendFigure(StringBuilder html, string imagePath, string captionHtml, string? cssClass)
    {
        html.Append("<figure").Append(cssClass is null ? "" : $" class=\"{cssClass}\"").Append("><img src=\"")
            .Append(ImageSource(imagePath)).Append("\" alt=\"").Append(Encode(Path.GetFileName(imagePath))).Append("\"><figcaption>")
            .Append(captionHtml).Append("</figcaption></figure>");
    }

    private static string ImageSource(string imagePath)
    {
        var file = new FileInfo(imagePath);
        if (!file.Exists || file.Length > MaxInlineBytes)
        {
            return Encode(new Uri(file.FullName).AbsoluteUri);
        }
        var mime = file.Extension.ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            _ => "image/jpeg",
        };
        return $"data:{mime};base64,{Convert.ToBase64String(File.ReadAllBytes(file.FullName))}";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
