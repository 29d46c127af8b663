using System.Text.Json;
using VectorImageSearch.Onnx;

namespace VectorImageSearch.Samples.Cli;

/// <summary>
/// What the CLI remembers beside an index (vis-cli.json in the index folder): the models it was built with, so
/// <c>search</c> and <c>info</c> need only <c>--index</c>.
/// </summary>
/// <param name="ClipModel">The CLIP model folder, if any.</param>
/// <param name="ImageModel">The image-only model folder, if any.</param>
/// <param name="Preset">The image model's preset.</param>
/// <param name="Spec">The index spec asked for.</param>
/// <param name="Store">"Faiss" (the index lives in the index folder) or "Postgres" (the folder keeps only this file).</param>
/// <param name="Collection">The PostgreSQL collection, for the Postgres store.</param>
internal sealed record CliIndexSettings(string? ClipModel, string? ImageModel, string Preset, string Spec, string Store = CliIndexSettings.Faiss, string? Collection = null)
{
    /// <summary>The FAISS folder store.</summary>
    public const string Faiss = "Faiss";

    /// <summary>The PostgreSQL store.</summary>
    public const string Postgres = "Postgres";

    /// <summary>Whether the records live in PostgreSQL.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsPostgres => string.Equals(Store, Postgres, StringComparison.OrdinalIgnoreCase);

    private const string FileName = "vis-cli.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads the settings saved in <paramref name="indexFolder"/>, if any.</summary>
    public static CliIndexSettings? TryRead(string indexFolder)
    {
        var path = Path.Combine(indexFolder, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<CliIndexSettings>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>Saves the settings into <paramref name="indexFolder"/>.</summary>
    public void Write(string indexFolder)
    {
        Directory.CreateDirectory(indexFolder);
        File.WriteAllText(Path.Combine(indexFolder, FileName), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>The CLI's preset names (<c>--preset</c>): the library's backbone kind, and for a ViT which token pooling.</summary>
    public static (ImageEncoderPreset Preset, EmbeddingPooling Pooling) ImageModelPreset(string name) => name.Trim().ToUpperInvariant() switch
    {
        "RESNET50" => (ImageEncoderPreset.ResNet50, EmbeddingPooling.Auto),
        "VITCLS" => (ImageEncoderPreset.VisionTransformer, EmbeddingPooling.ClsToken),
        "VITMEAN" => (ImageEncoderPreset.VisionTransformer, EmbeddingPooling.MeanTokens),
        "MLNETRESNET" => (ImageEncoderPreset.MlNetResNet, EmbeddingPooling.Auto),
        _ => throw new InvalidOperationException($"Unknown image model preset '{name}'; use ResNet50, ViTCls, ViTMean or MlNetResNet."),
    };

    /// <summary>Options for an engine over these models and this index folder.</summary>
    public void Apply(ImageSearchOptions options, string indexFolder)
    {
        if (ClipModel is not null)
        {
            options.UseClip(ClipModel);
        }
        if (ImageModel is not null)
        {
            var (preset, pooling) = ImageModelPreset(Preset);
            options.UseImageEncoder(ImageModel, preset, pooling);
        }
        if (!IsPostgres)
        {
            options.UseFaiss(Spec);
            options.IndexPath = indexFolder;
        }
    }
}
