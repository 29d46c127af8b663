using Xunit.Abstractions;

namespace VectorImageSearch.Tests.EndToEnd;

[Collection(ShapesIndexCollection.Name)]
public sealed class ShapesSearchTests(ShapesIndexFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task All_720_shapes_are_indexed_without_failures()
    {
        Assert.Empty(fixture.Report.Failures);
        Assert.Equal(720, fixture.Report.Encoded);
        Assert.Equal(720, fixture.Search.Count);
        Assert.Equal(720, await fixture.Search.CountAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Search.CountAsync(new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Text_queries_for_a_colour_and_shape_find_it_with_precision_at_10_of_at_least_0_8()
    {
        // The 20 colour-shape pairs with the most images (all have at least 10), most frequent first.
        var pairs = ShapeLabel.All.GroupBy(l => (l.Colour, l.Shape))
            .Where(g => g.Count() >= 10)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Colour, StringComparer.Ordinal).ThenBy(g => g.Key.Shape, StringComparer.Ordinal)
            .Take(20).Select(g => g.Key).ToList();
        Assert.Equal(20, pairs.Count);
        var byPath = ShapeLabel.All.ToDictionary(l => l.Path);

        var precisions = new List<double>();
        foreach (var (colour, shape) in pairs)
        {
            var hits = await fixture.Search.SearchAsync($"a {colour} {shape}", k: 10);
            Assert.Equal(10, hits.Count);
            var relevant = hits.Count(h => byPath[h.Key].Colour == colour && byPath[h.Key].Shape == shape);
            precisions.Add(relevant / 10.0);
            output.WriteLine($"a {colour} {shape}: precision@10 = {relevant / 10.0:F1}");
        }
        output.WriteLine($"mean precision@10 = {precisions.Average():F3}, worst = {precisions.Min():F1}");
        Assert.True(precisions.Average() >= 0.8, $"mean precision@10 was {precisions.Average():F3}");
    }

    [Fact]
    public async Task Every_sampled_image_queried_by_itself_comes_first()
    {
        var sample = ShapeLabel.All.Where((_, i) => i % 18 < 5).Take(200).ToList();
        Assert.Equal(200, sample.Count);
        var selfFirst = 0;
        foreach (var label in sample)
        {
            var hits = await fixture.Search.SearchAsync(ImageInput.FromFile(label.Path), k: 3);
            if (hits[0].Key == label.Path)
            {
                selfFirst++;
            }
            Assert.InRange(hits[0].Score, 0.99f, 1.001f);
        }
        output.WriteLine($"{selfFirst} of {sample.Count} images found themselves first");
        Assert.Equal(200, selfFirst);
    }

    [Fact]
    public async Task Hits_carry_rank_cosine_score_in_order_and_the_file_path()
    {
        var hits = await fixture.Search.SearchAsync("a red circle", k: 5);
        Assert.Equal([1, 2, 3, 4, 5], hits.Select(h => h.Rank));
        Assert.All(hits, h => Assert.InRange(h.Score, -1.001f, 1.001f));
        Assert.Equal(hits.Select(h => h.Score).OrderDescending(), hits.Select(h => h.Score));
        Assert.All(hits, h => Assert.True(File.Exists(h.Key)));
        Assert.Contains("red_circle", Path.GetFileName(hits[0].Key));
    }

    [Fact]
    public async Task Searching_by_a_vector_equals_searching_by_the_image_it_came_from()
    {
        var path = ShapeLabel.All[10].Path;
        var byImage = await fixture.Search.SearchAsync(ImageInput.FromFile(path), k: 5);
        var vector = await fixture.ImageEncoder.EncodeAsync(ImageInput.FromFile(path));
        var scaled = vector.Select(v => v * 3.5f).ToArray();
        var byVector = await fixture.Search.SearchAsync(scaled, k: 5);
        Assert.Equal(byImage.Select(h => h.Id), byVector.Select(h => h.Id));
    }

    [Fact]
    public async Task Bad_query_vectors_are_refused_with_a_clear_message()
    {
        var wrongLength = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Search.SearchAsync(new float[3], k: 5));
        Assert.Contains("dimension 64", wrongLength.Message);
        var nan = new float[64];
        nan[7] = float.NaN;
        var notFinite = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Search.SearchAsync(nan, k: 5));
        Assert.Contains("position 7", notFinite.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Search.SearchAsync(new float[64], k: 5));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Search.SearchAsync("a red circle", k: 0));
    }

    [Fact]
    public async Task Asking_for_more_hits_than_images_returns_every_image()
    {
        var hits = await fixture.Search.SearchAsync("a blue star", k: 5000);
        Assert.Equal(720, hits.Count);
        Assert.Equal(720, hits.Select(h => h.Id).Distinct().Count());
    }
}
