using VectorImageSearch.Interop;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss.Tests.Interop;

public sealed class NativeLibraryLocatorTests
{
    [Fact]
    public void Missing_library_names_the_file_the_folders_and_the_override()
    {
        var descriptor = new NativeLibraryDescriptor("nothing", "libdoes-not-exist.so", "VECTORIMAGESEARCH_TEST_MISSING_PATH", "Get it from nowhere.");
        var error = Assert.Throws<DllNotFoundException>(() => NativeLibraryLocator.Load(descriptor, typeof(FaissNativeLibraries).Assembly));
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
            var paths = NativeLibraryLocator.CandidatePaths(descriptor, typeof(FaissNativeLibraries).Assembly);
            Assert.Equal("/opt/custom/libx.so", paths[0]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("VECTORIMAGESEARCH_TEST_X_PATH", null);
        }
    }
}
