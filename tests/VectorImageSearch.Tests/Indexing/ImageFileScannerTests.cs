using VectorImageSearch.Indexing;

namespace VectorImageSearch.Tests.Indexing;

public sealed class ImageFileScannerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vis-scan-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Finds_images_by_extension_case_insensitively_and_recursively_in_order()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        foreach (var name in new[] { "b.JPG", "a.png", "notes.txt", "sub/c.webp", "sub/d.jpeg" })
        {
            File.WriteAllBytes(Path.Combine(_folder, name), [0]);
        }

        var all = ImageFileScanner.Scan(_folder, recursive: true, ImageSearchOptions.DefaultExtensions.ToList());
        var top = ImageFileScanner.Scan(_folder, recursive: false, ["png", ".jpg"]);

        Assert.Equal(["a.png", "b.JPG", "c.webp", "d.jpeg"], all.Select(f => f.Name));
        Assert.Equal(["a.png", "b.JPG"], top.Select(f => f.Name));
    }

    [Fact]
    public void A_missing_folder_is_named_in_the_exception()
    {
        var missing = Path.Combine(_folder, "nope");
        var error = Assert.Throws<DirectoryNotFoundException>(() => ImageFileScanner.Scan(missing, true, [".jpg"]));
        Assert.Contains(missing, error.Message);
    }

    [Theory]
    [InlineData("/p/a.jpg", "/p", true, true)]
    [InlineData("/p/sub/a.jpg", "/p", true, true)]
    [InlineData("/p/sub/a.jpg", "/p", false, false)]
    [InlineData("/photos2/a.jpg", "/photos", true, false)]
    public void IsUnder_respects_folder_boundaries(string path, string folder, bool recursive, bool expected) =>
        Assert.Equal(expected, ImageFileScanner.IsUnder(path, folder, recursive));
}
