using System.Text.Json;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Reads Immich's <c>visual/preprocess_cfg.json</c> (open_clip's preprocessing: <c>size</c>, <c>mean</c>, <c>std</c>,
/// <c>interpolation</c>, <c>resize_mode</c>) as a <see cref="PreprocessRecipe"/>: resize the shortest edge to the size,
/// centre crop, normalise.
/// </summary>
internal static class ImmichPreprocessConfig
{
    /// <summary>The file name inside Immich's <c>visual/</c> folder.</summary>
    public const string FileName = "preprocess_cfg.json";

    /// <summary>The recipe of <paramref name="path"/>.</summary>
    /// <exception cref="ModelLoadException">The file is not valid JSON or has values the pipeline cannot follow.</exception>
    public static PreprocessRecipe Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var (width, height) = Size(root.GetProperty("size"));
            var resample = root.TryGetProperty("interpolation", out var interpolation) ? interpolation.GetString() switch
            {
                "bicubic" => ResampleFilter.Bicubic,
                "bilinear" => ResampleFilter.Bilinear,
                var other => throw new FormatException($"interpolation '{other}' is not bicubic or bilinear"),
            } : ResampleFilter.Bicubic;
            if (root.TryGetProperty("resize_mode", out var mode) && mode.GetString() is { } resizeMode && resizeMode != "shortest")
            {
                throw new FormatException($"resize_mode '{resizeMode}' is not supported (only 'shortest', open_clip's default)");
            }
            return PreprocessRecipe.Clip224 with
            {
                ProcessorType = "ImmichOpenClip",
                ShortestEdge = Math.Min(width, height),
                CropWidth = width,
                CropHeight = height,
                Resample = resample,
                Mean = Floats(root, "mean") ?? PreprocessRecipe.Clip224.Mean,
                Std = Floats(root, "std") ?? PreprocessRecipe.Clip224.Std,
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new ModelLoadException(path, $"{FileName} cannot be used: {e.Message}", e);
        }
    }

    private static (int Width, int Height) Size(JsonElement size) => size.ValueKind == JsonValueKind.Array
        ? (size[1].GetInt32(), size[0].GetInt32())
        : (size.GetInt32(), size.GetInt32());

    private static float[]? Floats(JsonElement root, string name) =>
        root.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Select(v => v.GetSingle()).ToArray()
            : null;
}
