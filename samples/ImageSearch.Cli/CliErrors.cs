using Spectre.Console;

namespace VectorImageSearch.Samples.Cli;

/// <summary>Turns the library's expected failures into a red message and exit code 2; anything else is a bug and propagates.</summary>
internal static class CliErrors
{
    /// <summary>Runs <paramref name="action"/>, reporting expected failures.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ModelLoadException or InvalidDataException or ImageStoreCompatibilityException or ImageDecodeException or Npgsql.NpgsqlException
                                       or DirectoryNotFoundException or FileNotFoundException or InvalidOperationException or ArgumentException
                                       or DllNotFoundException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return ExitCodes.Error;
        }
    }
}
