using System.Runtime.InteropServices;
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
            $"It is FAISS {EngineVersions.Faiss}'s C API library and needs libfaiss_avx2.so in the same folder. {BuildHint}",
            BundledDependencies),
        new(Shim, "libvis_faiss.so", "VECTORIMAGESEARCH_FAISS_SHIM_PATH",
            $"It is VectorImageSearch's FAISS extension shim. {BuildHint}",
            BundledDependencies),
    ];

    /// <summary>
    /// A folder holding a FAISS built elsewhere (libfaiss_c.so, the libfaiss library it links and libvis_faiss.so):
    /// looked in before every other place for both libraries, on machines the build scripts cannot serve.
    /// </summary>
    public const string DirectoryVariable = "VECTORIMAGESEARCH_FAISS_DIR";

    private static readonly Lazy<bool> Registration = new(() =>
    {
        var assembly = typeof(FaissNativeLibraries).Assembly;
        NativeLibrary.SetDllImportResolver(assembly, (name, requestingAssembly, _) =>
        {
            var library = Array.Find(Libraries, l => l.ImportName == name);
            if (library is null)
            {
                return IntPtr.Zero;
            }
            var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (string.IsNullOrWhiteSpace(directory))
            {
                return NativeLibraryLocator.Load(library, requestingAssembly);
            }
            var path = Path.Combine(Path.GetFullPath(directory), library.FileName);
            if (!File.Exists(path))
            {
                throw new DllNotFoundException(
                    $"Native library '{library.FileName}' was not found in '{Path.GetFullPath(directory)}', the folder {DirectoryVariable} names. " +
                    $"Put FAISS {EngineVersions.Faiss}'s C API library, the libfaiss library it links and libvis_faiss.so (built from src/VectorImageSearch.Faiss/native against that FAISS) there, or unset {DirectoryVariable}.");
            }
            foreach (var companion in BundledDependencies)
            {
                var companionPath = Path.Combine(Path.GetDirectoryName(path)!, companion);
                if (File.Exists(companionPath))
                {
                    NativeLibrary.Load(companionPath);
                }
            }
            return NativeLibrary.Load(path);
        });
        return true;
    });

    /// <summary>Installs the resolver once; call before the first native call of this assembly.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;
}
