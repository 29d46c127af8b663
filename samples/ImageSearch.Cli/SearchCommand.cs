using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace VectorImageSearch.Samples.Cli;

/// <summary>
/// <c>vis search "&lt;text&gt;" | --image &lt;file&gt; --index &lt;path&gt; [-k 10] [--min-score s] [--not "&lt;text&gt;"]… [--folder dir] [--dedup [t]] [--json] [--html file]</c>.
/// </summary>
internal static class SearchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(Option<bool> verbose)
    {
        var text = new Argument<string?>("text") { Description = "What to look for, in words.", Arity = ArgumentArity.ZeroOrOne };
        var image = new Option<FileInfo?>("--image") { Description = "Look for images like this one instead." };
        var index = new Option<string>("--index", "-i") { Description = "The index folder.", Required = true };
        var k = new Option<int>("-k", "--top") { Description = "How many hits.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the hits as JSON only." };
        var html = new Option<FileInfo?>("--html") { Description = "Also write an HTML gallery of the hits to this file." };
        var refine = new SearchRefinements();
        k.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("-k must be at least 1.");
            }
        });
        var store = new StoreOptions();
        var command = new Command("search", "Find the images closest to a sentence or to an image.") { text, image, index, k, json, html };
        foreach (var option in store.All)
        {
            command.Options.Add(option);
        }
        refine.AddTo(command);
        command.Validators.Add(result =>
        {
            var hasText = !string.IsNullOrWhiteSpace(result.GetValue(text));
            var hasImage = result.GetValue(image) is not null;
            if (hasText == hasImage)
            {
                result.AddError("Give either a text or --image <file>, not both.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var indexFolder = Path.GetFullPath(parse.GetValue(index)!);
            var settings = CliIndexSettings.TryRead(indexFolder)
                ?? throw new InvalidOperationException($"'{indexFolder}' is not an index made by this tool (no vis-cli.json); run 'vis index' first.");
            var (storeKind, collection) = store.Resolve(parse, settings);
            settings = settings with { Store = storeKind, Collection = collection };
            await using var host = SearchEngineHost.Create(settings, indexFolder, parse.GetValue(verbose), store.ConnectionString(parse));
            var queryImage = parse.GetValue(image);
            var query = queryImage is not null ? $"image {queryImage.Name}" : $"\"{parse.GetValue(text)}\"";
            var hits = refine.IsUsed(parse)
                ? await refine.SearchAsync(host.Search, parse, parse.GetValue(text), queryImage, parse.GetValue(k), cancellationToken)
                : queryImage is not null
                    ? await host.Search.SearchAsync(ImageInput.FromFile(queryImage.FullName), parse.GetValue(k), cancellationToken)
                    : await host.Search.SearchAsync(parse.GetValue(text)!, parse.GetValue(k), cancellationToken);

            if (parse.GetValue(html) is { } htmlFile)
            {
                HtmlGallery.Write(htmlFile.FullName, $"VectorImageSearch: {query}", [new GalleryQuery(query, queryImage?.FullName, hits)]);
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(hits.Select(h => new { h.Rank, h.Score, h.Key, h.Id, h.Metadata }), Json));
                return ExitCodes.Success;
            }
            var table = new Table().Title($"Top {hits.Count} for {Markup.Escape(query)}").AddColumn("rank").AddColumn("score").AddColumn("image");
            foreach (var hit in hits)
            {
                table.AddRow(hit.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), hit.Score.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(hit.Key));
            }
            AnsiConsole.Write(table);
            if (parse.GetValue(html) is { } written)
            {
                AnsiConsole.MarkupLine($"Gallery: {Markup.Escape(written.FullName)}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
