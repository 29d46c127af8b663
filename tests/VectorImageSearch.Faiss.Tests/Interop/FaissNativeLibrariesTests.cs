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
}
