using System.CommandLine;

namespace VectorImageSearch.Samples.Cli;

/// <summary>The options of <c>vis search</c> that make it an <see cref="ImageQuery"/>: --min-score, --not, --folder, --dedup.</summary>
internal sealed class SearchRefinements
{
    private readonly Option<float?> _minScore = new("--min-score") { Description = "Drop hits below this cosine similarity (-1 to 1)." };
    private readonly Option<string[]> _not = new("--not") { Description = "Move away from this text (repeatable); its embedding is subtracted.", AllowMultipleArgumentsPerToken = false };
    private readonly Option<DirectoryInfo?> _folder = new("--folder") { Description = "Only images under this folder." };
    private readonly Option<float?> _dedup = new("--dedup")
    {
        Description = "Drop hits at least this similar to a better hit (default 0.94).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Adds the options and their checks to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_minScore);
        command.Options.Add(_not);
        command.Options.Add(_folder);
        command.Options.Add(_dedup);
        _minScore.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float?>() is { } least && least is not (>= -1 and <= 1))
            {
                result.AddError("--min-score is a cosine similarity: it must be between -1 and 1.");
            }
        });
        _dedup.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float?>() is { } threshold && threshold is not (> 0 and <= 1))
            {
                result.AddError("--dedup must be greater than 0 and at most 1.");
            }
        });
        _not.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string[]>()?.Any(string.IsNullOrWhiteSpace) == true)
            {
                result.AddError("--not needs a text.");
            }
        });
    }

    /// <summary>Whether any of the options was given.</summary>
    public bool IsUsed(ParseResult parse) =>
        parse.GetResult(_minScore) is { Implicit: false } || parse.GetResult(_not) is { Implicit: false }
        || parse.GetResult(_folder) is { Implicit: false } || parse.GetResult(_dedup) is { Implicit: false };

    /// <summary>Runs the search as an <see cref="ImageQuery"/>.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(IImageSearch search, ParseResult parse, string? text, FileInfo? image, int k, CancellationToken cancellationToken)
    {
        var folder = parse.GetValue(_folder);
        var dedup = parse.GetResult(_dedup) is { Implicit: false };
        var query = new ImageQuery();
        if (!string.IsNullOrWhiteSpace(text))
        {
            query = query.WithText(text);
        }
        if (image is not null)
        {
            query = query.WithImage(ImageInput.FromFile(image.FullName));
        }
        foreach (var negative in parse.GetValue(_not) ?? [])
        {
            query = query.WithoutText(negative);
        }
        query = query with
        {
            K = k,
            MinScore = parse.GetValue(_minScore),
            Filter = folder is null ? null : new ImageRecordFilter { KeyPrefix = Path.TrimEndingDirectorySeparator(folder.FullName) + Path.DirectorySeparatorChar },
            Deduplicate = dedup,
            DuplicateThreshold = parse.GetValue(_dedup) ?? ImageQuery.DefaultDuplicateThreshold,
        };
        return search.SearchAsync(query, cancellationToken);
    }
}
