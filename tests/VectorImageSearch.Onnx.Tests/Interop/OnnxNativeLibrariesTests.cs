using System.Runtime.InteropServices;
using VectorImageSearch.Interop;
using VectorImageSearch.Onnx.Interop;

namespace VectorImageSearch.Onnx.Tests.Interop;

public sealed class OnnxNativeLibrariesTests
{
    [Theory]
    [InlineData("libvis_vips.so", "vis_vips_init")]
    [InlineData("libvips-cpp.so.8.18.7", "vips_operation_new")]
    public void Build_output_holds_each_native_library_with_its_entry_point(string fileName, string export)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        Assert.True(File.Exists(path), $"{path} should have been copied to the build output");
        var handle = NativeLibrary.Load(path);
        Assert.True(NativeLibrary.TryGetExport(handle, export, out var address));
        Assert.NotEqual(IntPtr.Zero, address);
    }

    [Fact]
    public void Missing_library_names_the_file_the_folders_and_the_override()
    {
        var descriptor = new NativeLibraryDescriptor("nothing", "libdoes-not-exist.so", "VECTORIMAGESEARCH_TEST_MISSING_PATH", "Get it from nowhere.");
        var error = Assert.Throws<DllNotFoundException>(() => NativeLibraryLocator.Load(descriptor, typeof(OnnxNativeLibraries).Assembly));
        Assert.Contains("libdoes-not-exist.so", error.Message);
        Assert.Contains("VECTORIMAGESEARCH_TEST_MISSING_PATH", error.Message);
        Assert.Contains(Path.Combine("runtimes", "linux-x64", "native"), error.Message);
        Assert.Contains("Get it from nowhere.", error.Message);
    }

    [Fact]
    public void Environment_override_comes_first()
    {
        var descriptor = new NativeLibraryDescriptor("x", "libx.so", "VECTORIMAGESEARCH_TEST_X_PATH", "");
        Environment.SetEnvironmentVariable("VECTORIMAGESEARCH_TEST_X_PATH", "/opt/custom/libx.so");
        try
        {
            var paths = NativeLibraryLocator.CandidatePaths(descriptor, typeof(OnnxNativeLibraries).Assembly);
            Assert.Equal("/opt/custom/libx.so", paths[0]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("VECTORIMAGESEARCH_TEST_X_PATH", null);
        }
    }
}
