namespace VectorImageSearch.Tests.Indexing;

public sealed class IndexingReportTests
{
    private static IndexingReport Report(params IndexingFailure[] failures) =>
        new(0, 0, 0, failures, TimeSpan.FromSeconds(1), new IndexingTimings(TimeSpan.Zero, 1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));

    [Fact]
    public void Failures_are_listed_by_key_in_the_order_they_failed()
    {
        var report = Report(new("/photos/z.jpg", "is empty (0 bytes)."), new("/photos/a.jpg", "is not an image"), new("/photos/m", "the folder cannot be read"));

        Assert.Equal(["/photos/z.jpg", "/photos/a.jpg", "/photos/m"], report.Failures.Keys);
        Assert.Equal("is not an image", report.Failures["/photos/a.jpg"]);
        Assert.False(report.Failures.ContainsKey("/PHOTOS/A.JPG"));
    }

    [Fact]
    public void A_key_that_failed_twice_keeps_both_reasons()
    {
        var report = Report(new("/a.jpg", "the file does not exist"), new("/b.jpg", "is empty (0 bytes)."), new("/a.jpg", "the model failed on its batch"));

        Assert.Equal(2, report.Failures.Count);
        Assert.Equal("the file does not exist; the model failed on its batch", report.Failures["/a.jpg"]);
    }

    [Fact]
    public void The_failures_cannot_be_changed_through_a_cast()
    {
        var report = Report(new IndexingFailure("/a.jpg", "is empty (0 bytes)."));

        var asDictionary = Assert.IsAssignableFrom<IDictionary<string, string>>(report.Failures);
        Assert.Throws<NotSupportedException>(() => asDictionary["/b.jpg"] = "added");
    }
}
