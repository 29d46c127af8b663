using VectorImageSearch.Interop;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>The native libraries of VectorImageSearch.Faiss and the resolver that finds them.</summary>
internal static class FaissNativeLibraries
{
    /// <summary>The <c>DllImport</c> name of FAISS's C API (which loads libfaiss_avx2.so beside it).</summary>
    public const string FaissC = "faiss_c";

    /// <summary>The <c>DllImport</c> name of our FAISS extension shim.</summary>
    public const string Shim = "vis_faiss";

    private const string BuildHint = "A build from a clone of VectorImageSearch builds it (eng/native/faiss.sh); the NuGet package carries it in runtimes/linux-x64/native. FAISS needs OpenBLAS and OpenMP at run time: the package bundles them; elsewhere install them (Debian: apt-get install libopenblas0 libgomp1).";

    /// <summary>
    /// FAISS's run-time dependencies that the NuGet package bundles beside it (OpenBLAS with its Fortran runtime, and
    /// OpenMP), dependencies first. Loaded by full path from the folder where FAISS is found, when present there;
    /// a build from a clone has none there and uses the system's.
    /// </summary>
    internal static readonly string[] BundledDependencies =
        ["libquadmath.so.0", "libgfortran.so.5", "libgomp.so.1", "libopenblas.so.0"];

    private static readonly NativeLibraryDescriptor[] Libraries =
    [
        new(FaissC, "libfaiss_c.so", "VECTORIMAGESEARCH_FAISS_C_PATH",
            $"It is FAISS 1.7.3's C API library and needs libfaiss_avx2.so in the same folder. {BuildHint}",
            BundledDependencies),
        new(Shim, "libvis_faiss.so", "VECTORIMAGESEARCH_FAISS_SHIM_PATH",
            $"It is VectorImageSearch's FAISS extension shim. {BuildHint}",
            BundledDependencies),
    ];

    private static readonly Lazy<bool> Registration = new(() =>
    {
        NativeLibraryLocator.Register(typeof(FaissNativeLibraries).Assembly, Libraries);
        return true;
    });

    /// <summary>Installs the resolver once; call before the first native call of this assembly.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;
}
