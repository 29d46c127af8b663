using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>Compound, negative, filtered, thresholded and de-duplicated queries (<see cref="ImageQuery"/>) on the demo shapes.</summary>
[Collection(ShapesIndexCollection.Name)]
public sealed class ShapesQueryTests(ShapesIndexFixture fixture, ITestOutputHelper output)
{
    private static readonly Dictionary<string, ShapeLabel> ByPath = ShapeLabel.All.ToDictionary(l => l.Path);
    private static readonly string[] Colours = ["red", "blue", "green", "yellow"];

    private IImageSearch Search => fixture.Search;

    [Fact]
    public async Task A_colour_minus_circle_returns_that_colour_without_circles()
    {
        var precisions = new List<double>();
        var circlesWithout = 0;
        var circlesWith = 0;
        foreach (var colour in Colours)
        {
            var plain = await Search.SearchAsync(ImageQuery.ForText($"a {colour} shape") with { K = 10 });
            var hits = await Search.SearchAsync(ImageQuery.ForText($"a {colour} shape").WithoutText("a circle") with { K = 10 });
            Assert.Equal(10, hits.Count);
            var relevant = hits.Count(h => ByPath[h.Key].Colour == colour && ByPath[h.Key].Shape != "circle");
            circlesWith += hits.Count(h => ByPath[h.Key].Shape == "circle");
            circlesWithout += plain.Count(h => ByPath[h.Key].Shape == "circle");
            precisions.Add(relevant / 10.0);
            output.WriteLine($"a {colour} shape -circle: precision@10 = {relevant / 10.0:F1}; circles {plain.Count(h => ByPath[h.Key].Shape == "circle")} -> {hits.Count(h => ByPath[h.Key].Shape == "circle")}");
        }
        output.WriteLine($"mean precision@10 = {precisions.Average():F3}; circles in the top 10s: {circlesWithout} without the negative, {circlesWith} with it");
        // Measured: 0.9, 1.0, 1.0, 1.0 (mean 0.975); without the negative 4 circles are in the four top 10s.
        Assert.True(precisions.Average() >= 0.9, $"mean precision@10 was {precisions.Average():F3}");
        Assert.True(circlesWithout > 0, "the plain queries found no circles: nothing for the negative to remove");
        Assert.Equal(0, circlesWith);
    }

    [Fact]
    public async Task The_weights_of_a_text_and_an_image_decide_which_one_the_results_follow()
    {
        // The tiny model blends rather than composes ("a red star" + a blue star at equal weights gives purple stars), so
        // this checks what the weights do: a heavy text gives red shapes, a heavy image gives stars like it.
        var star = ShapeLabel.All.First(l => l.Colour == "blue" && l.Shape == "star");
        ImageQuery Query(float textWeight) => new ImageQuery().WithText("red", textWeight).WithImage(ImageInput.FromFile(star.Path)) with { K = 10 };

        var textLed = await Search.SearchAsync(Query(3f));
        var imageLed = await Search.SearchAsync(Query(0.25f));

        var red = textLed.Count(h => ByPath[h.Key].Colour == "red");
        var stars = imageLed.Count(h => ByPath[h.Key].Shape == "star");
        output.WriteLine($"text weight 3: {red}/10 red; text weight 0.25: {stars}/10 stars ({imageLed.Count(h => ByPath[h.Key].Colour == "red")} red)");
        Assert.True(red >= 9, $"{red} of 10 were red");
        Assert.True(stars >= 9, $"{stars} of 10 were stars");
        Assert.True(imageLed.Count(h => ByPath[h.Key].Colour == "red") <= 1);
    }

    [Fact]
    public async Task A_key_prefix_filter_returns_only_matching_images_and_the_best_of_them()
    {
        var prefix = Path.Combine(RepoPathsShapesImages(), "03");
        var filter = new ImageRecordFilter { KeyPrefix = prefix };
        var hits = await Search.SearchAsync(ImageQuery.ForText("a red circle") with { K = 10, Filter = filter });
        var all = await Search.SearchAsync("a red circle", k: 720);

        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.StartsWith(prefix, h.Key, StringComparison.Ordinal));
        Assert.Equal(all.Where(h => h.Key.StartsWith(prefix, StringComparison.Ordinal)).Take(10).Select(h => h.Key), hits.Select(h => h.Key));
        var relevant = hits.Count(h => ByPath[h.Key].Colour == "red" && ByPath[h.Key].Shape == "circle");
        output.WriteLine($"a red circle in {prefix}*: precision@10 = {relevant / 10.0:F1} (images there: {ShapeLabel.All.Count(l => l.Path.StartsWith(prefix, StringComparison.Ordinal) && l.Colour == "red" && l.Shape == "circle")} red circles)");
    }

    [Fact]
    public async Task MinScore_cuts_the_list_at_the_threshold()
    {
        var all = await Search.SearchAsync(ImageQuery.ForText("a green star") with { K = 50 });
        var least = (all[6].Score + all[7].Score) / 2;
        var cut = await Search.SearchAsync(ImageQuery.ForText("a green star") with { K = 50, MinScore = least });

        Assert.Equal(all.Take(7).Select(h => h.Key), cut.Select(h => h.Key));
        Assert.All(cut, h => Assert.True(h.Score >= least));
    }

    [Fact]
    public async Task Bad_queries_are_refused_with_a_clear_message()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Search.SearchAsync(new ImageQuery().WithoutText("a circle")));
        // Weights are checked as the query is built, before any search.
        Assert.Throws<ArgumentException>(() => ImageQuery.ForText("a circle").WithText("a circle", 0));
        Assert.Throws<ArgumentException>(() => new ImageQuery().WithText("a circle", float.NaN));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Search.SearchAsync(ImageQuery.ForText("a circle") with { K = 0 }));
        var cancelled = await Assert.ThrowsAsync<ArgumentException>(() => Search.SearchAsync(ImageQuery.ForText("a circle").WithoutText("a circle")));
        Assert.Contains("cancel", cancelled.Message, StringComparison.Ordinal);
    }

    private static string RepoPathsShapesImages() => Path.Combine(VectorImageSearch.Tests.Shared.RepoPaths.Shapes, "images");
}
