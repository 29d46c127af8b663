namespace VectorImageSearch.Abstractions.Tests;

public sealed class ImageInputTests
{
    [Fact]
    public void A_file_input_reads_the_file_when_asked_and_is_named_by_its_path()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [1, 2, 3]);
            var input = ImageInput.FromFile(path);
            File.WriteAllBytes(path, [4, 5]);

            Assert.Equal(Path.GetFullPath(path), input.FilePath);
            Assert.Equal(path, input.Name);
            Assert.Equal(new byte[] { 4, 5 }, input.ReadAllBytes().ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_gives_an_ImageDecodeException_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.jpg");
        var error = Assert.Throws<ImageDecodeException>(() => ImageInput.FromFile(path).ReadAllBytes());
        Assert.Equal(path, error.InputName);
        Assert.Contains(path, error.Message);
        Assert.Contains("cannot be read", error.Message);
    }

    [Fact]
    public async Task Stream_inputs_read_the_stream_to_its_end_at_once()
    {
        var stream = new MemoryStream([7, 8, 9]);
        stream.Position = 1;
        var input = ImageInput.FromStream(stream, "upload.png");
        var fromAsync = await ImageInput.FromStreamAsync(new MemoryStream([1]));

        Assert.Null(input.FilePath);
        Assert.Equal("upload.png", input.Name);
        Assert.Equal(new byte[] { 8, 9 }, input.ReadAllBytes().ToArray());
        Assert.Equal("<stream>", fromAsync.Name);
        Assert.Equal(new byte[] { 1 }, fromAsync.ReadAllBytes().ToArray());
    }

    [Fact]
    public void Byte_inputs_keep_their_memory_and_default_name()
    {
        byte[] bytes = [1, 2];
        var input = ImageInput.FromBytes(bytes);
        Assert.Equal("<bytes>", input.ToString());
        Assert.True(input.ReadAllBytes().Span.SequenceEqual(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_paths_are_refused(string path) => Assert.ThrowsAny<ArgumentException>(() => ImageInput.FromFile(path));
}
