namespace VectorImageSearch.Tests.Shared;

/// <summary>Paths of the fixtures committed in the repository, found from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootValue = new(FindRoot);

    /// <summary>The repository root (the folder holding VectorImageSearch.sln).</summary>
    public static string Root => RootValue.Value;

    /// <summary>The tiny CLIP-style demo model.</summary>
    public static string ClipTinyShapes => Path.Combine(Root, "samples", "models", "clip-tiny-shapes");

    /// <summary>The tiny ResNet-style demo model.</summary>
    public static string ResNetTinyShapes => Path.Combine(Root, "samples", "models", "resnet-tiny-shapes");

    /// <summary>The 720 rendered shapes and their labels.jsonl.</summary>
    public static string Shapes => Path.Combine(Root, "samples", "images", "shapes");

    /// <summary>The CLIP tokenizer reference (vocab.json, merges.txt, tokenizer_public.jsonl).</summary>
    public static string ClipTokenizerFixture => Path.Combine(Root, "tests", "fixtures", "clip-tokenizer");

    /// <summary>The PIL preprocessing reference (photos, expected crops, manifest.json).</summary>
    public static string PreprocessFixture => Path.Combine(Root, "tests", "fixtures", "preprocess");

    private static string FindRoot() => FindRoot(AppContext.BaseDirectory) ?? FindRoot(SourceDirectory())
        ?? throw new InvalidOperationException($"No VectorImageSearch.sln above {AppContext.BaseDirectory} or {SourceDirectory()}");

    // The build output may live outside the clone (VIS_ARTIFACTS_PATH); then the folder this file was compiled from finds it.
    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? string.Empty;

    private static string? FindRoot(string start)
    {
        for (var dir = start.Length == 0 ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VectorImageSearch.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
