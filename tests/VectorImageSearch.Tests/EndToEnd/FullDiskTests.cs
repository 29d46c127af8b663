using System.Diagnostics;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>
/// Saving into a full filesystem: a small tmpfs the test mounts (root is needed; without it the test fails and says so).
/// The save fails with an IOException naming the path, the previous generation stays loadable, and no temporary files
/// are left; once space is freed the next save succeeds.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _mount;
    private bool _mounted;

    public FullDiskTests() => _mount = Directory.CreateDirectory(_temp.Combine("small-disk")).FullName;

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", _mount);
        }
        _temp.Dispose();
    }

    // The second generation holds 240 images: a 64-dimension flat index of 240 × 64 × 4 = 61,440 bytes plus a header,
    // then the catalog (paths, hashes: tens of KiB). One free page fails the index; 72 KiB fits the index, not the catalog.
    [Theory]
    [InlineData(4096, "index.000002.faiss")]
    [InlineData(73728, "catalog.000002.bin")]
    public async Task A_save_into_a_full_filesystem_fails_naming_the_path_and_keeps_the_previous_generation(long leaveFree, string failingFile)
    {
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", _mount);
        Assert.True(code == 0, $"This test mounts a 512 KiB tmpfs and needs root (it runs as root here and in CI): mount failed with {code}: {error}");
        _mounted = true;
        var indexPath = Path.Combine(_mount, "index");
        var first = _temp.CopyShapes("first", 0, 40);
        var second = _temp.CopyShapes("second", 40, 200);
        using var factory = new SearchFactory(o => o.IndexPath = indexPath);
        await factory.Search.IndexDirectoryAsync(first);
        await factory.Search.SaveAsync();
        var generationOne = Directory.GetFiles(indexPath).Order(StringComparer.Ordinal).ToList();
        var filler = Path.Combine(_mount, "filler");
        var free = new DriveInfo(_mount).AvailableFreeSpace;
        await File.WriteAllBytesAsync(filler, new byte[free - leaveFree]);
        await factory.Search.IndexDirectoryAsync(second);

        var failure = await Assert.ThrowsAnyAsync<IOException>(() => factory.Search.SaveAsync());

        Assert.Contains(indexPath, failure.Message);
        Assert.Contains(failingFile, failure.Message);
        Assert.Equal(generationOne, Directory.GetFiles(indexPath).Order(StringComparer.Ordinal));
        using (var reloaded = new SearchFactory(o => o.IndexPath = indexPath))
        {
            Assert.Equal(40, reloaded.Search.Count);
            Assert.Equal(40, (await reloaded.Search.SearchAsync("a red circle", k: 100)).Count);
        }
        File.Delete(filler);
        await factory.Search.SaveAsync();
        using var after = new SearchFactory(o => o.IndexPath = indexPath);
        Assert.Equal(240, after.Search.Count);
    }

    private static (int Code, string Error) Run(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"cannot run {program}: {e.Message}");
        }
    }
}
