using System.Diagnostics;
using Microsoft.Playwright;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, driven by Playwright (no browser download). When /usr/bin/chromium is missing it runs
/// eng/chromium/install.sh (apt-get, as root); when that fails the tests fail with its output — they never skip.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian puts chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            await InstallChromiumAsync();
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    private static async Task InstallChromiumAsync()
    {
        var script = Path.Combine(RepoPaths.Root, "eng", "chromium", "install.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start bash {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        var log = (await output) + (await error);
        if (process.ExitCode != 0 || !File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need chromium at {ChromiumPath}; {script} could not install it (exit code {process.ExitCode}):{Environment.NewLine}{Tail(log)}");
        }
    }

    private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;
}
