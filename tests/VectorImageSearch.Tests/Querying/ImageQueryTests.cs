namespace VectorImageSearch.Tests.Querying;

/// <summary>The fluent, immutable building of an <see cref="ImageQuery"/>: what each method adds, and that it copies.</summary>
public sealed class ImageQueryTests
{
    private static readonly ImageInput Star = ImageInput.FromBytes(new byte[] { 1, 2, 3 }, "star.png");

    [Fact]
    public void WithText_adds_a_text_with_its_weight_to_a_new_query()
    {
        var first = ImageQuery.ForText("a red circle");
        var second = first.WithText("a blue star", 2.5f);

        Assert.Equal([new QueryText("a red circle", 1f), new QueryText("a blue star", 2.5f)], second.Texts);
        Assert.Equal([new QueryText("a red circle", 1f)], first.Texts);
        Assert.Empty(second.Images);
        Assert.Empty(second.NegativeTexts);
    }

    [Fact]
    public void WithImage_adds_an_image_with_its_weight_to_a_new_query()
    {
        var first = ImageQuery.ForText("red");
        var second = first.WithImage(Star, 0.25f);

        Assert.Equal([new QueryImage(Star, 0.25f)], second.Images);
        Assert.Empty(first.Images);
        Assert.Equal([new QueryImage(Star, 1f)], ImageQuery.ForImage(Star).Images);
    }

    [Fact]
    public void WithoutText_adds_a_negative_text_not_a_positive_one()
    {
        var query = ImageQuery.ForText("a red shape").WithoutText("a circle", 0.5f).WithoutText("a square");

        Assert.Equal([new QueryText("a circle", 0.5f), new QueryText("a square", 1f)], query.NegativeTexts);
        Assert.Equal([new QueryText("a red shape", 1f)], query.Texts);
    }

    [Fact]
    public void The_other_settings_survive_adding_texts_and_images()
    {
        var filter = new ImageRecordFilter { KeyPrefix = "/photos/" };
        var query = (ImageQuery.ForText("a") with { K = 7, MinScore = 0.2f, Filter = filter, Deduplicate = true })
            .WithImage(Star).WithoutText("b");

        Assert.Equal(7, query.K);
        Assert.Equal(0.2f, query.MinScore);
        Assert.Same(filter, query.Filter);
        Assert.True(query.Deduplicate);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_weight_that_is_not_positive_and_finite_is_refused_naming_the_item(float weight)
    {
        var text = Assert.Throws<ArgumentException>(() => ImageQuery.ForText("a").WithText("a blue star", weight));
        var image = Assert.Throws<ArgumentException>(() => ImageQuery.ForText("a").WithImage(Star, weight));
        var negative = Assert.Throws<ArgumentException>(() => ImageQuery.ForText("a").WithoutText("a circle", weight));

        Assert.Contains("'a blue star'", text.Message, StringComparison.Ordinal);
        Assert.Contains("'star.png'", image.Message, StringComparison.Ordinal);
        Assert.Contains("negative text 'a circle'", negative.Message, StringComparison.Ordinal);
        Assert.All([text, image, negative], e => Assert.Equal("weight", e.ParamName));
    }

    [Fact]
    public void A_null_text_or_image_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => ImageQuery.ForText(null!));
        Assert.Throws<ArgumentNullException>(() => ImageQuery.ForImage(null!));
        Assert.Throws<ArgumentNullException>(() => ImageQuery.ForText("a").WithoutText(null!));
    }
}
