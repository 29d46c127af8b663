using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace VectorImageSearch.Samples.Cli;

/// <summary><c>vis index &lt;folder&gt; --model &lt;dir&gt; --index &lt;path&gt; [--spec …]</c>: creates or updates an index.</summary>
internal static class IndexCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "The folder of images to index (subfolders included)." };
        var model = new Option<string?>("--model", "-m") { Description = "A CLIP model folder (enables text and image queries)." };
        var imageModel = new Option<string?>("--image-model") { Description = "An image-only model folder, e.g. a headless ResNet50 (image queries)." };
        var preset = new Option<string>("--preset") { Description = "The image model's preset: ResNet50, ViTCls, ViTMean or MlNetResNet.", DefaultValueFactory = _ => "ResNet50" };
        var index = new Option<string>("--index", "-i") { Description = "The index folder to create or update.", Required = true };
        var spec = new Option<string>("--spec") { Description = "The FAISS index: Auto, Flat, \"IVF1024,Flat\", \"IVF1024,PQ32\", HNSW32 …", DefaultValueFactory = _ => "Auto" };
        var batch = new Option<int>("--batch") { Description = "Images per model run.", DefaultValueFactory = _ => 16 };
        var store = new StoreOptions();

        var command = new Command("index", "Index a folder of images; a second run encodes only new or changed files.")
        {
            folder, model, imageModel, preset, index, spec, batch,
        };
        foreach (var option in store.All)
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var indexFolder = Path.GetFullPath(parse.GetValue(index)!);
            var previous = CliIndexSettings.TryRead(indexFolder);
            var clip = parse.GetValue(model) is { } m ? Path.GetFullPath(m) : previous?.ClipModel;
            var image = parse.GetValue(imageModel) is { } im ? Path.GetFullPath(im) : previous?.ImageModel;
            if (clip is null && image is null)
            {
                throw new ArgumentException("Give a model: --model <CLIP folder> or --image-model <folder>.");
            }
            var (storeKind, collection) = store.Resolve(parse, previous);
            var settings = new CliIndexSettings(clip, image, parse.GetValue(preset)!, parse.GetValue(spec)!, storeKind, collection);
            await using var host = SearchEngineHost.Create(settings, indexFolder, parse.GetValue(verbose), store.ConnectionString(parse));
            var where = settings.IsPostgres ? $"PostgreSQL collection '{collection}'" : indexFolder;
            var search = host.Search;
            var before = await search.CountAsync(cancellationToken);

            IndexingReport? report = null;
            var cancelled = false;
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("Indexing", maxValue: 1);
                    var progress = new InlineProgress<IndexingProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                        task.Description = $"Indexing {p.Done}/{p.Total} · {p.ImagesPerSecond:F1} images/s" + (p.Failed > 0 ? $" · {p.Failed} failed" : "");
                    });
                    try
                    {
                        report = await search.IndexDirectoryAsync(parse.GetValue(folder)!.FullName, progress, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        cancelled = true;
                    }
                });

            await search.SaveAsync(cancellationToken: CancellationToken.None);
            settings.Write(indexFolder);
            if (cancelled || report is null)
            {
                AnsiConsole.MarkupLine($"[yellow]Cancelled.[/] The index holds {await search.CountAsync(CancellationToken.None)} images (was {before}); saved to {Markup.Escape(where)}.");
                return ExitCodes.Cancelled;
            }

            AnsiConsole.MarkupLine($"Indexed [green]{report.Encoded}[/] images in {report.Elapsed.TotalSeconds:F1} s ({report.ImagesPerSecond:F1}/s); " +
                                   $"{report.Unchanged} unchanged, {report.Removed} removed, [{(report.Failures.Count > 0 ? "red" : "green")}]{report.Failures.Count} failed[/].");
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[grey]Time: decode {report.DecodeTime.TotalSeconds:F1} s on {report.DecodeWorkers} worker{(report.DecodeWorkers == 1 ? "" : "s")}, inference {report.InferenceTime.TotalSeconds:F1} s, " +
                $"commit {report.CommitTime.TotalSeconds:F1} s, waiting for images {report.WaitingForImages.TotalSeconds:F1} s.[/]"));
            AnsiConsole.MarkupLine($"The index holds {await search.CountAsync(CancellationToken.None)} images; saved to {Markup.Escape(where)}.");
            if (report.Failures.Count == 0)
            {
                return ExitCodes.Success;
            }
            var table = new Table().AddColumn("file").AddColumn("problem");
            foreach (var (file, reason) in report.Failures)
            {
                table.AddRow(Markup.Escape(file), Markup.Escape(reason));
            }
            AnsiConsole.Write(table);
            return ExitCodes.SomeFilesFailed;
        }));
        return command;
    }
}
