using VectorImageSearch.IO;

namespace VectorImageSearch.Faiss.Tests.Store;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vis-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_write_that_fails_midway_keeps_the_previous_file_and_leaves_no_temporary()
    {
        var path = Path.Combine(_folder, "data.bin");
        await AtomicFile.WriteAllBytesAsync(path, new byte[] { 1, 2, 3 }, CancellationToken.None);

        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[] { 9, 9, 9, 9 }, ct);
            throw new IOException("disk full (simulated by the writer)");
        }, CancellationToken.None));

        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(path));
        Assert.Equal(["data.bin"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_finished_write_replaces_the_file()
    {
        var path = Path.Combine(_folder, "data.bin");
        await AtomicFile.WriteAllBytesAsync(path, new byte[] { 1 }, CancellationToken.None);
        await AtomicFile.WriteAllBytesAsync(path, new byte[] { 4, 5 }, CancellationToken.None);
        Assert.Equal(new byte[] { 4, 5 }, await File.ReadAllBytesAsync(path));
    }
}
