using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace VectorImageSearch.Samples.Cli;

/// <summary><c>vis info --index &lt;path&gt;</c>: what an index holds, read from its manifest (no model needed).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index", "-i") { Description = "The index folder.", Required = true };
        var command = new Command("info", "Show an index's image count, model, index kind and dimension.") { index };
        command.SetAction(parse => CliErrors.GuardAsync(() =>
        {
            var folder = Path.GetFullPath(parse.GetValue(index)!);
            var manifestPath = Path.Combine(folder, "manifest.json");
            if (CliIndexSettings.TryRead(folder) is { IsPostgres: true } postgres)
            {
                throw new InvalidOperationException($"'{folder}' keeps its records in the PostgreSQL collection '{postgres.Collection}', not in the folder; 'info' reads FAISS index folders.");
            }
            if (!File.Exists(manifestPath))
            {
                throw new InvalidOperationException($"'{folder}' holds no saved index (no manifest.json).");
            }
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var root = manifest.RootElement;
            var settings = CliIndexSettings.TryRead(folder);
            var table = new Table().HideHeaders().AddColumn("").AddColumn("");
            table.AddRow("images", root.GetProperty("imageCount").ToString());
            table.AddRow("model", Markup.Escape(root.GetProperty("modelFingerprint").GetString() ?? ""));
            if (settings is not null)
            {
                table.AddRow("model folder", Markup.Escape(settings.ClipModel ?? settings.ImageModel ?? ""));
            }
            table.AddRow("spec", Markup.Escape(root.GetProperty("indexSpec").GetString() ?? ""));
            table.AddRow("index", Markup.Escape(root.GetProperty("indexDescription").GetString() ?? ""));
            table.AddRow("dimension", root.GetProperty("dimension").ToString());
            table.AddRow("metric", root.GetProperty("metric").ToString());
            table.AddRow("saved", root.GetProperty("savedUtc").ToString());
            AnsiConsole.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
