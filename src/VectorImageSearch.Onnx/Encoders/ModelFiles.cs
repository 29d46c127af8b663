using VectorImageSearch.Onnx.Inference;
using VectorImageSearch.Onnx.Text;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Finds the ONNX files of a model folder in the layouts users download: Hugging Face ONNX exports
/// (<c>onnx/text_model.onnx</c>, <c>onnx/vision_model.onnx</c> or one <c>model.onnx</c>, with their precision
/// variants) and Immich's (<c>textual/model.onnx</c>, <c>visual/model.onnx</c>).
/// </summary>
internal static class ModelFiles
{
    /// <summary>The file names of a combined (both towers) export, relative to the folder, in search order.</summary>
    public static readonly string[] CombinedNames = ["model.onnx", Path.Combine("onnx", "model.onnx")];

    /// <summary>Immich's folder of the text tower.</summary>
    public const string ImmichTextual = "textual";

    /// <summary>Immich's folder of the image tower.</summary>
    public const string ImmichVisual = "visual";

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
    /// The ONNX file of one CLIP tower in <paramref name="variant"/>: <c>onnx/{towerFile}</c>, <c>{towerFile}</c>, a
    /// combined <c>model.onnx</c> (at the root or in <c>onnx/</c>), or Immich's <c>textual/model.onnx</c> / <c>visual/model.onnx</c>.
    /// </summary>
    /// <exception cref="ModelLoadException">None of them exists; the message lists what was looked for and the variants present.</exception>
    public static string FindClipTower(string folder, string towerFile, string towerName, OnnxModelVariant variant = OnnxModelVariant.Fp32)
    {
        var immich = towerName == "text" ? ImmichTextual : ImmichVisual;
        string[] names = [Path.Combine("onnx", towerFile), towerFile, .. CombinedNames, Path.Combine(immich, "model.onnx")];
        return Find(folder, names, variant, $"{towerName} model");
    }

    /// <summary>
    /// The model file of an image backbone: the file itself, or in a folder <c>model.onnx</c>, <c>onnx/model.onnx</c>,
    /// <c>onnx/vision_model.onnx</c> or <c>visual/model.onnx</c>, in <paramref name="variant"/>.
    /// </summary>
    /// <exception cref="ModelLoadException">The path does not exist or the folder has none of them.</exception>
    public static string FindImageModel(string path, out string folder, OnnxModelVariant variant = OnnxModelVariant.Fp32)
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
        return Find(folder, [.. CombinedNames, Path.Combine("onnx", "vision_model.onnx"), Path.Combine(ImmichVisual, "model.onnx")], variant, "image model");
    }

    /// <summary>The CLIP tokenizer of a folder: its own files, or Immich's <c>textual/</c> ones.</summary>
    /// <exception cref="ModelLoadException">No tokenizer files, or unusable ones.</exception>
    public static ClipTokenizer LoadClipTokenizer(string folder)
    {
        var immich = Path.Combine(folder, ImmichTextual);
        var own = File.Exists(Path.Combine(folder, "vocab.json")) || File.Exists(Path.Combine(folder, "tokenizer.json"));
        return ClipTokenizer.FromFolder(!own && Directory.Exists(immich) ? immich : folder);
    }

    /// <summary>The files of a CLIP folder that define its embeddings (ONNX towers of the variant and their external data, tokenizer, preprocessing config), for fingerprints.</summary>
    public static IReadOnlyList<string> ClipFingerprintFiles(string folder, OnnxModelVariant variant = OnnxModelVariant.Fp32)
    {
        string[] models =
        [
            Path.Combine("onnx", "text_model.onnx"), Path.Combine("onnx", "vision_model.onnx"), "text_model.onnx", "vision_model.onnx",
            .. CombinedNames, Path.Combine(ImmichTextual, "model.onnx"), Path.Combine(ImmichVisual, "model.onnx"),
        ];
        string[] others =
        [
            "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "preprocessor_config.json",
            Path.Combine(ImmichTextual, "tokenizer.json"), Path.Combine(ImmichTextual, "vocab.json"), Path.Combine(ImmichTextual, "merges.txt"),
            Path.Combine(ImmichTextual, "tokenizer_config.json"), Path.Combine(ImmichVisual, ImmichPreprocessConfig.FileName),
        ];
        var files = new List<string>();
        foreach (var model in models)
        {
            files.AddRange(WithExternalData(Path.Combine(folder, OnnxModelVariants.Apply(model, variant))));
        }
        files.AddRange(others.Select(name => Path.Combine(folder, name)).Where(File.Exists));
        return files;
    }

    /// <summary><paramref name="modelFile"/> and its external data files (<c>.onnx_data</c>, <c>.onnx.data</c>) that exist.</summary>
    public static IEnumerable<string> WithExternalData(string modelFile)
    {
        if (!File.Exists(modelFile))
        {
            yield break;
        }
        yield return modelFile;
        foreach (var data in (string[])[modelFile + "_data", modelFile + ".data"])
        {
            if (File.Exists(data))
            {
                yield return data;
            }
        }
    }

    /// <summary>A model name for fingerprints and metadata: the folder's name.</summary>
    public static string NameOf(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));

    private static string Find(string folder, string[] names, OnnxModelVariant variant, string what)
    {
        var candidates = names.Select(name => OnnxModelVariants.Apply(name, variant)).ToArray();
        foreach (var candidate in candidates)
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        var present = Enum.GetValues<OnnxModelVariant>()
            .Where(other => other != variant && names.Any(name => File.Exists(Path.Combine(folder, OnnxModelVariants.Apply(name, other)))))
            .ToList();
        var hint = present.Count > 0 ? $" It has the variants {string.Join(", ", present)}: set ModelVariant to one of them." : string.Empty;
        var label = variant == OnnxModelVariant.Fp32 ? what : $"{what} in the {variant} variant";
        throw new ModelLoadException(folder, $"the folder has no {label}: looked for {string.Join(", ", candidates)}.{hint}");
    }
}
