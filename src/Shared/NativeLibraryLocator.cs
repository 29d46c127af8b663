using System.Reflection;
using System.Runtime.InteropServices;

namespace VectorImageSearch.Interop;

/// <summary>
/// Describes one native library a package loads: the name its <c>DllImport</c>s use, the file to look for,
/// the environment variable that overrides its location, and how a user obtains it. <paramref name="Companions"/>
/// are libraries it needs that a package may bundle beside it (file names, dependencies first): each one present
/// in the folder where the library is found is loaded by full path first, so that the library's <c>DT_NEEDED</c>
/// entries (and those of its dependencies, which <c>RUNPATH $ORIGIN</c> does not reach) resolve to the bundled
/// copies; one that is absent there is left to the system loader.
/// </summary>
internal sealed record NativeLibraryDescriptor(
    string ImportName, string FileName, string EnvironmentVariable, string HowToObtain,
    IReadOnlyList<string>? Companions = null);

/// <summary>
/// The one place a package finds its native libraries: an environment override, the NuGet layout
/// (<c>runtimes/linux-x64/native</c>), then the build output. A miss throws <see cref="DllNotFoundException"/>
/// naming the file, every folder looked in, and how to get the library.
/// </summary>
internal static class NativeLibraryLocator
{
    /// <summary>A folder searched before all others for every library (for example a FAISS GPU build).</summary>
    public const string SharedDirectoryVariable = "VECTORIMAGESEARCH_NATIVE_DIR";

    /// <summary>Installs a <see cref="NativeLibrary.SetDllImportResolver"/> for <paramref name="assembly"/>.</summary>
    public static void Register(Assembly assembly, IReadOnlyList<NativeLibraryDescriptor> libraries)
    {
        NativeLibrary.SetDllImportResolver(assembly, (name, requestingAssembly, _) =>
        {
            foreach (var library in libraries)
            {
                if (library.ImportName == name)
                {
                    return Load(library, requestingAssembly);
                }
            }
            return IntPtr.Zero;
        });
    }

    /// <summary>Loads <paramref name="library"/> from the first folder that has it, or throws.</summary>
    public static IntPtr Load(NativeLibraryDescriptor library, Assembly requestingAssembly)
    {
        var candidates = CandidatePaths(library, requestingAssembly);
        foreach (var path in candidates)
        {
            if (File.Exists(path))
            {
                LoadCompanions(library, path);
                return NativeLibrary.Load(path);
            }
        }
        throw new DllNotFoundException(
            $"Native library '{library.FileName}' was not found. Looked in: {string.Join(", ", candidates)}. " +
            $"{library.HowToObtain} Or set {library.EnvironmentVariable} to the library's full path, " +
            $"or {SharedDirectoryVariable} to a folder that holds it.");
    }

    /// <summary>Loads each of <paramref name="library"/>'s companions found beside <paramref name="path"/>, in order.</summary>
    private static void LoadCompanions(NativeLibraryDescriptor library, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (library.Companions is null || directory is null)
        {
            return;
        }
        foreach (var companion in library.Companions)
        {
            var companionPath = Path.Combine(directory, companion);
            if (File.Exists(companionPath))
            {
                // A soname already loaded satisfies every later DT_NEEDED lookup of it; a second load only counts up.
                NativeLibrary.Load(companionPath);
            }
        }
    }

    /// <summary>Every full path tried for <paramref name="library"/>, in order.</summary>
    public static IReadOnlyList<string> CandidatePaths(NativeLibraryDescriptor library, Assembly requestingAssembly)
    {
        var paths = new List<string>();
        var overridePath = Environment.GetEnvironmentVariable(library.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            paths.Add(overridePath);
        }
        var sharedDirectory = Environment.GetEnvironmentVariable(SharedDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(sharedDirectory))
        {
            paths.Add(Path.Combine(sharedDirectory, library.FileName));
        }
        foreach (var directory in BaseDirectories(requestingAssembly))
        {
            paths.Add(Path.Combine(directory, "runtimes", RuntimeFolder, "native", library.FileName));
            paths.Add(Path.Combine(directory, library.FileName));
        }
        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string RuntimeFolder => RuntimeInformation.RuntimeIdentifier switch
    {
        var rid when rid.EndsWith("-arm64", StringComparison.Ordinal) => "linux-arm64",
        _ => "linux-x64",
    };

    private static IEnumerable<string> BaseDirectories(Assembly requestingAssembly)
    {
        yield return AppContext.BaseDirectory;
        var assemblyDirectory = Path.GetDirectoryName(requestingAssembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            yield return assemblyDirectory;
        }
    }
}
