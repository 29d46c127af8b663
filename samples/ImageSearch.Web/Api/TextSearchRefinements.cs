using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web.Api;

/// <summary>
/// The optional parameters of <c>GET /api/search</c> that turn a text search into an <see cref="ImageQuery"/>:
/// <c>minScore</c> (-1 to 1), <c>not</c> (a text to move away from), <c>folder</c> (a sub-folder of the image folder,
/// relative, with '/' between names) and <c>dedup</c> (true, or a threshold in (0, 1]).
/// </summary>
internal sealed record TextSearchRefinements(float? MinScore, string? Not, string? Folder, string? Dedup)
{
    /// <summary>Whether any parameter was given.</summary>
    public bool IsUsed => MinScore is not null || Not is not null || Folder is not null || Dedup is not null;

    /// <summary>Checks the parameters and builds the query; a 400 problem when one is bad.</summary>
    public IResult? TryBuild(string text, int k, ImageFolder images, int maxQueryLength, out ImageQuery query)
    {
        query = ImageQuery.ForText(text) with { K = k };
        if (MinScore is { } least)
        {
            if (!(least is >= -1 and <= 1))
            {
                return ApiProblems.BadRequest("minScore out of range", $"minScore is {least}; it is a cosine similarity from -1 to 1.");
            }
            query = query with { MinScore = least };
        }
        if (Not is not null)
        {
            var negative = Not.Trim();
            if (negative.Length == 0 || negative.Length > maxQueryLength)
            {
                return ApiProblems.BadRequest("Bad 'not' text", $"'not' must hold 1 to {maxQueryLength} characters.");
            }
            query = query.WithoutText(negative);
        }
        if (Folder is not null)
        {
            if (FolderPrefix(images, Folder) is not { } prefix)
            {
                return ApiProblems.BadRequest("Unknown folder", $"'{Folder}' is not a folder inside the image folder; give a relative path such as 'holidays/2024'.");
            }
            query = query with { Filter = new ImageRecordFilter { KeyPrefix = prefix } };
        }
        if (Dedup is not null)
        {
            if (Dedup.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                query = query with { Deduplicate = true };
            }
            else if (Dedup.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                query = query with { Deduplicate = false };
            }
            else if (float.TryParse(Dedup, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var threshold)
                && threshold is > 0 and <= 1)
            {
                query = query with { Deduplicate = true, DuplicateThreshold = threshold };
            }
            else
            {
                return ApiProblems.BadRequest("Bad dedup", $"dedup is '{Dedup}'; give true, false, or a similarity threshold greater than 0 and at most 1.");
            }
        }
        return null;
    }

    // A relative folder under the image folder, without '..' or rooted parts, that exists; its key prefix.
    private static string? FolderPrefix(ImageFolder images, string folder)
    {
        var relative = folder.Trim().Trim('/');
        if (relative.Length == 0 || relative.Length > 500 || relative.Contains('\0', StringComparison.Ordinal) || relative.Contains('\\', StringComparison.Ordinal)
            || Path.IsPathRooted(relative) || relative.Split('/').Any(part => part is "" or "." or ".."))
        {
            return null;
        }
        var full = Path.GetFullPath(Path.Combine(images.FullPath, relative));
        return full.StartsWith(images.FullPath + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Directory.Exists(full)
            ? full + Path.DirectorySeparatorChar
            : null;
    }
}
