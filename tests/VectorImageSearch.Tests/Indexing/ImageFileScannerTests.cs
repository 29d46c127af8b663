using VectorImageSearch.Indexing;

namespace VectorImageSearch.Tests.Indexing;

public sealed class ImageFileScannerTests
{
    [Theory]
    [InlineData("/p/a.jpg", "/p", true, true)]
    [InlineData("/p/sub/a.jpg", "/p", true, true)]
    [InlineData("/p/sub/a.jpg", "/p", false, false)]
    [InlineData("/photos2/a.jpg", "/photos", true, false)]
    public void IsUnder_respects_folder_boundaries(string path, string folder, bool recursive, bool expected) =>
        Assert.Equal(expected, ImageFileScanner.IsUnder(path, folder, recursive));
}
