using VectorImageSearch.Onnx.Runtime;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>Finds the ONNX files of a model folder in the Hugging Face / ONNX-export layout and opens them.</summary>
internal static class ModelFiles
{
    /// <summary>The file names of a combined (both towers) export, relative to the folder, in search order.</summary>
    public static readonly string[] CombinedNames = ["model.onnx", Path.Combine("onnx", "model.onnx")];

    /// <summary>The full path of <paramref name="folder"/>, which must exist.</summary>
    /// <exception cref="ModelLoadException">The folder does not exist.</exception>
    public static string RequireFolder(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new ModelLoadException(folder ?? string.Empty, "no model folder was given.");
        }
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new ModelLoadException(full, File.Exists(full) ? "is a file, but a model folder is needed." : "the model folder does not exist.");
        }
        return full;
    }

    /// <summary>
    /// The ONNX file of one CLIP tower: <c>onnx/{towerFile}</c>, <c>{towerFile}</c>, or a combined <c>model.onnx</c>
    /// (at the root or in <c>onnx/</c>) holding both towers.
    /// </summary>
    /// <exception cref="ModelLoadException">None of them exists; the message lists what was looked for.</exception>
    public static string FindClipTower(string folder, string towerFile, string towerName)
    {
        string[] candidates = [Path.Combine("onnx", towerFile), towerFile, .. CombinedNames];
        foreach (var candidate in candidates)
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new ModelLoadException(folder, $"the folder has no {towerName} model: looked for {string.Join(", ", candidates)}.");
    }

    /// <summary>The model file of an image backbone: the file itself, or in a folder <c>model.onnx</c>, <c>onnx/model.onnx</c> or <c>onnx/vision_model.onnx</c>.</summary>
    /// <exception cref="ModelLoadException">The path does not exist or the folder has none of them.</exception>
    public static string FindImageModel(string path, out string folder)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ModelLoadException(path ?? string.Empty, "no model path was given.");
        }
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            folder = Path.GetDirectoryName(full)!;
            return full;
        }
        folder = RequireFolder(full);
        string[] candidates = [.. CombinedNames, Path.Combine("onnx", "vision_model.onnx")];
        foreach (var candidate in candidates)
        {
            var file = Path.Combine(folder, candidate);
            if (File.Exists(file))
            {
                return file;
            }
        }
        throw new ModelLoadException(folder, $"the folder has no image model: looked for {string.Join(", ", candidates)}.");
    }

    /// <summary>The files of a CLIP folder that define its embeddings (ONNX towers, tokenizer, preprocessing config), for fingerprints.</summary>
    public static IReadOnlyList<string> ClipFingerprintFiles(string folder)
    {
        string[] names =
        [
            Path.Combine("onnx", "text_model.onnx"), Path.Combine("onnx", "vision_model.onnx"), "text_model.onnx", "vision_model.onnx",
            .. CombinedNames, "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "preprocessor_config.json",
        ];
        return names.Select(name => Path.Combine(folder, name)).Where(File.Exists).ToList();
    }

    /// <summary>A model name for fingerprints and metadata: the folder's name.</summary>
    public static string NameOf(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));

    /// <summary>Opens a session, turning ONNX Runtime's refusal into a <see cref="ModelLoadException"/> naming the file.</summary>
    public static OnnxSession OpenSession(string file, OnnxSessionOptions options)
    {
        try
        {
            return OnnxSession.FromFile(file, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(file, $"ONNX Runtime cannot load it: {e.Message}", e);
        }
    }
}
