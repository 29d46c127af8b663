using Microsoft.Playwright;
using VectorImageSearch.Samples.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VectorImageSearch.Samples.Web.Tests;

/// <summary>The page in Debian's chromium, headless, against the app on Kestrel (127.0.0.1, port 0).</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests(WebAppFixture app, BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>Where the screenshots go: the test's output folder (docs/ holds copies chosen by hand).</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task Typing_a_red_circle_shows_a_red_circle_first_with_its_thumbnail()
    {
        var page = await OpenAsync(Desktop);
        await page.FillAsync("#q", "a red circle");
        await page.PressAsync("#q", "Enter");
        await Expect(page.Locator("#summary")).ToContainTextAsync("24 results for “a red circle”");
        await Expect(page.Locator(".card .name").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^\\d{4}_red_circle\\.png$"));
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('.card img'); return img.complete && img.naturalWidth === 160; }");
        Assert.Equal("lazy", await page.Locator(".card img").First.GetAttributeAsync("loading"));
        await page.ScreenshotAsync(new() { Path = Screenshot("web-desktop.png"), FullPage = false });
    }

    [Fact]
    public async Task The_exclude_field_removes_circles_from_a_text_search()
    {
        var page = await OpenAsync(Desktop);
        await page.FillAsync("#q", "a blue shape");
        await page.FillAsync("#not", "a circle");
        await page.PressAsync("#q", "Enter");
        await Expect(page.Locator("#summary")).ToContainTextAsync("results for “a blue shape” without “a circle”");
        var top = await page.Locator(".card .name").AllInnerTextsAsync();
        Assert.All(top.Take(10), n => Assert.DoesNotContain("_circle", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Uploading_0050_red_circle_puts_it_first_with_score_1()
    {
        var page = await OpenAsync(Desktop);
        await page.SetInputFilesAsync("#file", TestImages.Shape("0050_red_circle.png"));
        await Expect(page.Locator("#summary")).ToContainTextAsync("results for images like 0050_red_circle.png");
        await Expect(page.Locator(".card .name").First).ToHaveTextAsync("0050_red_circle.png");
        await Expect(page.Locator(".card .score").First).ToHaveTextAsync("1.000");
        await Expect(page.Locator("#query-preview")).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("paste")]
    public async Task Dropping_or_pasting_an_image_searches_by_it(string gesture)
    {
        var page = await OpenAsync(Desktop);
        var bytes = Convert.ToBase64String(await File.ReadAllBytesAsync(TestImages.Shape("0063_blue_star.png")));
        await page.EvaluateAsync(
            """
            ([gesture, base64]) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const data = new DataTransfer();
              data.items.add(new File([bytes], "0063_blue_star.png", { type: "image/png" }));
              const target = gesture === "drop" ? document.getElementById("drop") : document;
              const event = gesture === "drop"
                ? new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true })
                : new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
              target.dispatchEvent(event);
            }
            """, new[] { gesture, bytes });
        await Expect(page.Locator(".card .name").First).ToHaveTextAsync("0063_blue_star.png");
        await Expect(page.Locator(".card .score").First).ToHaveTextAsync("1.000");
    }

    [Fact]
    public async Task More_like_this_on_a_blue_star_gives_blue_stars()
    {
        var page = await OpenAsync(Desktop);
        await page.FillAsync("#q", "a blue star");
        await page.PressAsync("#q", "Enter");
        await Expect(page.Locator("#summary")).ToContainTextAsync("results for “a blue star”");
        var star = page.Locator(".card").Filter(new() { HasText = "_blue_star.png" }).First;
        var name = await star.Locator(".name").InnerTextAsync();
        await star.GetByRole(AriaRole.Button, new() { Name = $"More like {name}" }).ClickAsync();
        await Expect(page.Locator("#summary")).ToContainTextAsync($"results for images like {name}");
        await Expect(page.Locator(".card .name").First).ToHaveTextAsync(name);
        var top = await page.Locator(".card .name").AllInnerTextsAsync();
        Assert.All(top.Take(3), n => Assert.EndsWith("_blue_star.png", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Indexing_the_folder_shows_progress_to_the_end()
    {
        var page = await OpenAsync(Desktop);
        await Expect(page.Locator("#status")).ToContainTextAsync("720 images");
        await page.GetByRole(AriaRole.Button, new() { Name = "Index the folder" }).ClickAsync();
        // The app indexed the folder at start: this run finds all 720 unchanged, and the stream reports its end.
        await Expect(page.Locator("#index-message")).ToContainTextAsync("Indexed 720 images", new() { Timeout = 60_000 });
        await Expect(page.Locator("#index-message")).ToContainTextAsync("720 unchanged");
        await Expect(page.Locator("#index-message")).ToHaveAttributeAsync("data-state", "completed");
        Assert.Equal("720", await page.Locator("#index-progress").GetAttributeAsync("max"));
        Assert.Equal(720.0, await page.Locator("#index-progress").EvaluateAsync<double>("p => p.value"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Index the folder" })).ToBeEnabledAsync();
    }

    [Fact]
    public async Task The_page_works_with_the_keyboard_alone()
    {
        var page = await OpenAsync(Desktop);
        await page.Keyboard.PressAsync("Tab"); // the skip link comes first
        Assert.Equal("A", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("q", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync("a green triangle");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#summary")).ToContainTextAsync("results for “a green triangle”");
        await Expect(page.Locator(".card .name").First).ToContainTextAsync("_green_triangle.png");

        // Tab on to the first "More like this" (search button, image chooser, index buttons come before it).
        for (var i = 0; i < 10 && await page.EvaluateAsync<string>("() => document.activeElement.className") != "similar"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Equal("similar", await page.EvaluateAsync<string>("() => document.activeElement.className"));
        var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
        Assert.Equal("solid", outline); // focus is visible
        var name = await page.Locator(".card .name").First.InnerTextAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#summary")).ToContainTextAsync($"results for images like {name}");
        Assert.Equal("results-heading", await page.EvaluateAsync<string>("() => document.activeElement.id"));
    }

    [Fact]
    public async Task On_a_phone_width_screen_the_grid_fits_without_sideways_scrolling()
    {
        var page = await OpenAsync(Phone);
        await page.FillAsync("#q", "a yellow heart");
        await page.PressAsync("#q", "Enter");
        await Expect(page.Locator("#summary")).ToContainTextAsync("results for “a yellow heart”");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.card img')].slice(0, 4).every(i => i.complete && i.naturalWidth > 0)");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        var columns = await page.EvaluateAsync<int>("() => getComputedStyle(document.getElementById('results')).gridTemplateColumns.split(' ').length");
        Assert.Equal(2, columns);
        await page.ScreenshotAsync(new() { Path = Screenshot("web-phone.png"), FullPage = false });
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    private async Task<IPage> OpenAsync(ViewportSize viewport)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = viewport, BaseURL = app.Factory.BaseAddress.ToString() });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync("/");
        await Expect(page.Locator("#status")).ToContainTextAsync("images ·");
        Assert.Empty(errors);
        return page;
    }

    private static string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        return Path.Combine(ScreenshotFolder, name);
    }
}
