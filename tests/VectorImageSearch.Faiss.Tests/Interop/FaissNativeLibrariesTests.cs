using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Tests.Interop;

public sealed class FaissNativeLibrariesTests
{
    [Theory]
    [InlineData("libfaiss_c.so", "faiss_index_factory")]
    [InlineData("libfaiss_avx2.so", "_ZN5faiss13index_factoryEiPKcNS_10MetricTypeE")]
    [InlineData("libvis_faiss.so", "vis_faiss_get_num_threads")]
    public void Build_output_holds_each_native_library_with_its_entry_point(string fileName, string export)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        Assert.True(File.Exists(path), $"{path} should have been copied to the build output");
        var handle = NativeLibrary.Load(path);
        Assert.True(NativeLibrary.TryGetExport(handle, export, out var address));
        Assert.NotEqual(IntPtr.Zero, address);
    }

    [Fact]
    public async Task VECTORIMAGESEARCH_FAISS_DIR_is_looked_in_first_and_a_miss_names_the_folder()
    {
        var empty = Directory.CreateTempSubdirectory("vis-faiss-dir-").FullName;
        var copies = Directory.CreateTempSubdirectory("vis-faiss-dir-").FullName;
        try
        {
            foreach (var file in new[] { "libfaiss_c.so", "libfaiss_avx2.so", "libvis_faiss.so" })
            {
                File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(copies, file));
            }
            var (code, output) = await RunHarnessAsync(copies);
            Assert.True(code == 0, output);
            (code, output) = await RunHarnessAsync(empty);
            Assert.NotEqual(0, code);
            Assert.Contains("VECTORIMAGESEARCH_FAISS_DIR", output);
            Assert.Contains(empty, output);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
            Directory.Delete(copies, recursive: true);
        }
    }

    // The fuzz harness with no mutations: it builds, saves, loads and searches one index of every kind.
    private static async Task<(int Code, string Output)> RunHarnessAsync(string faissDirectory)
    {
        var work = Directory.CreateTempSubdirectory("vis-faiss-dir-work-").FullName;
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "VectorImageSearch.Faiss.FuzzHarness.dll"), "0", "1", work })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["VECTORIMAGESEARCH_FAISS_DIR"] = faissDirectory;
        using var child = System.Diagnostics.Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Directory.Delete(work, recursive: true);
        return (child.ExitCode, output + await errors);
    }
}
