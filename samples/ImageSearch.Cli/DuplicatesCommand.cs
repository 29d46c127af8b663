using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace VectorImageSearch.Samples.Cli;

/// <summary><c>vis duplicates --index &lt;path&gt; [--threshold 0.99] [--json] [--html gallery.html]</c>: groups of near-duplicate images.</summary>
internal static class DuplicatesCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(Option<bool> verbose)
    {
        var index = new Option<string>("--index", "-i") { Description = "The index folder.", Required = true };
        var threshold = new Option<float>("--threshold", "-t")
        {
            Description = "The least cosine similarity that makes two images duplicates (0 < t <= 1).",
            DefaultValueFactory = _ => 0.99f,
        };
        var json = new Option<bool>("--json") { Description = "Print the groups as JSON only: an array of groups, each an array of hits." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write an HTML gallery of the groups to this file." };
        threshold.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float>() is not (> 0 and <= 1))
            {
                result.AddError("--threshold must be greater than 0 and at most 1.");
            }
        });
        var command = new Command("duplicates", "Find groups of near-duplicate images in an index.") { index, threshold, json, html };
        command.SetAction((parse, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var indexFolder = Path.GetFullPath(parse.GetValue(index)!);
            var settings = CliIndexSettings.TryRead(indexFolder)
                ?? throw new InvalidOperationException($"'{indexFolder}' is not an index made by this tool (no vis-cli.json); run 'vis index' first.");
            await using var host = SearchEngineHost.Create(settings, indexFolder, parse.GetValue(verbose));
            var search = host.Search;
            var least = parse.GetValue(threshold);
            var groups = new List<IReadOnlyList<SearchHit>>();
            var progress = new InlineProgress<DuplicateScanProgress>(p =>
                Console.Error.Write($"\rScanned {p.Scanned}/{p.Total}, {p.Linked} with a duplicate   "));
            await foreach (var group in search.FindDuplicatesAsync(least, progress, cancellationToken))
            {
                groups.Add(group);
            }
            Console.Error.WriteLine();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(groups.Select(g => g.Select(h => new { h.Rank, h.Score, h.Key, h.Id, h.Metadata })), Json));
            }
            else
            {
                WriteTable(groups, least);
            }
            if (parse.GetValue(html) is { } htmlFile)
            {
                HtmlGallery.Write(htmlFile.FullName, $"VectorImageSearch: {groups.Count} duplicate groups (similarity >= {least.ToString(CultureInfo.InvariantCulture)})",
                    groups.Select((group, i) => new GalleryQuery($"Group {i + 1}: {group.Count} images", null, group)));
                if (!parse.GetValue(json))
                {
                    AnsiConsole.MarkupLine($"Gallery: {Markup.Escape(htmlFile.FullName)}");
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void WriteTable(List<IReadOnlyList<SearchHit>> groups, float least)
    {
        var table = new Table().Title($"{groups.Count} groups of images at cosine similarity >= {least.ToString(CultureInfo.InvariantCulture)}")
            .AddColumn("group").AddColumn("similarity").AddColumn("image");
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var hit in groups[g])
            {
                table.AddRow((g + 1).ToString(CultureInfo.InvariantCulture), hit.Score.ToString("F3", CultureInfo.InvariantCulture), Markup.Escape(hit.Key));
            }
        }
        AnsiConsole.Write(table);
    }
}
