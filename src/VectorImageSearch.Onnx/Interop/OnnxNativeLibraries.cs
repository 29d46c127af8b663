using VectorImageSearch.Interop;

namespace VectorImageSearch.Onnx.Interop;

/// <summary>The native libraries of VectorImageSearch.Onnx and the resolver that finds them.</summary>
internal static class OnnxNativeLibraries
{
    /// <summary>The <c>DllImport</c> name of our libvips shim (which loads libvips beside it).</summary>
    public const string VipsShim = "vis_vips";

    private const string BuildHint = "A build from a clone of VectorImageSearch fetches it (eng/native); the NuGet package carries it in runtimes/linux-x64/native.";

    private static readonly NativeLibraryDescriptor[] Libraries =
    [
        new(VipsShim, "libvis_vips.so", "VECTORIMAGESEARCH_VIPS_SHIM_PATH",
            $"It is VectorImageSearch's libvips shim and needs libvips-cpp.so.8.18.7 in the same folder. {BuildHint}"),
    ];

    private static readonly Lazy<bool> Registration = new(() =>
    {
        NativeLibraryLocator.Register(typeof(OnnxNativeLibraries).Assembly, Libraries);
        return true;
    });

    /// <summary>Installs the resolver once; call before the first native call of this assembly.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;
}
