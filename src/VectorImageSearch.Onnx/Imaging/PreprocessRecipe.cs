using System.Collections.ObjectModel;
using System.Text.Json;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// How an image becomes a model's input tensor: resize (shortest edge, or an exact size), centre crop, rescale and
/// normalise — the fields of a Hugging Face <c>preprocessor_config.json</c>. Resizing reproduces PIL's antialiased
/// filters; the result is always 8-bit RGB before normalisation (alpha dropped, see <see cref="ImagePipeline"/>).
/// </summary>
internal sealed record PreprocessRecipe
{
    /// <summary>The file <see cref="FromFolder"/> reads.</summary>
    public const string ConfigFileName = "preprocessor_config.json";

    // Read-only wrappers: the presets are shared, nobody may change their numbers.
    private static readonly ReadOnlyCollection<float> ClipMean = Array.AsReadOnly([0.48145466f, 0.4578275f, 0.40821073f]);
    private static readonly ReadOnlyCollection<float> ClipStd = Array.AsReadOnly([0.26862954f, 0.26130258f, 0.27577711f]);
    private static readonly ReadOnlyCollection<float> ImageNetMean = Array.AsReadOnly([0.485f, 0.456f, 0.406f]);
    private static readonly ReadOnlyCollection<float> ImageNetStd = Array.AsReadOnly([0.229f, 0.224f, 0.225f]);
    private static readonly ReadOnlyCollection<float> Zeros = Array.AsReadOnly([0f, 0f, 0f]);
    private static readonly ReadOnlyCollection<float> Ones = Array.AsReadOnly([1f, 1f, 1f]);

    /// <summary>
    /// CLIP's recipe (Hugging Face <c>CLIPImageProcessor</c>): shortest edge to 224 with PIL bicubic, centre crop
    /// 224 × 224 with offset floor((size − 224) / 2), rescale by 1/255, CLIP's mean and std.
    /// </summary>
    public static PreprocessRecipe Clip224 { get; } = new()
    {
        ProcessorType = "CLIPImageProcessor",
        ShortestEdge = 224,
        Resample = ResampleFilter.Bicubic,
        CropWidth = 224,
        CropHeight = 224,
        CropRounding = CropOffsetRounding.Floor,
        Mean = ClipMean,
        Std = ClipStd,
    };

    /// <summary>
    /// torchvision's ImageNet recipe (ResNet50): shortest edge to 256 with PIL bilinear, centre crop 224 × 224 with
    /// offset round-half-to-even((size − 224) / 2), rescale by 1/255, ImageNet mean and std.
    /// </summary>
    public static PreprocessRecipe ResNet224 { get; } = new()
    {
        ProcessorType = "TorchvisionImageNetRecipe",
        ShortestEdge = 256,
        Resample = ResampleFilter.Bilinear,
        CropWidth = 224,
        CropHeight = 224,
        CropRounding = CropOffsetRounding.HalfToEven,
        Mean = ImageNetMean,
        Std = ImageNetStd,
    };

    /// <summary>
    /// ML.NET's ImageNet featurizers (CNTK exports such as <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>): shortest edge
    /// to 224 and centre crop 224 × 224 (ML.NET's <c>IsoCrop</c>, here with PIL bilinear), no rescale (values 0–255),
    /// channels in BGR order, minus <paramref name="meanImage"/> (read from the package's <c>ResNetPreprocess.onnx</c>
    /// with <see cref="MeanImage.FromOnnxInitializer"/>).
    /// </summary>
    /// <param name="meanImage">The 224 × 224 mean image, in BGR order and 0–255 units.</param>
    /// <returns>The recipe.</returns>
    public static PreprocessRecipe MlNetImageNet224(MeanImage meanImage)
    {
        ArgumentNullException.ThrowIfNull(meanImage);
        return new()
        {
            ProcessorType = "MlNetDnnImageFeaturizer",
            ShortestEdge = 224,
            Resample = ResampleFilter.Bilinear,
            CropWidth = 224,
            CropHeight = 224,
            CropRounding = CropOffsetRounding.Floor,
            RescaleFactor = 1f,
            ChannelOrder = ChannelOrder.Bgr,
            MeanImage = meanImage,
        };
    }

    /// <summary>The processor this recipe follows (<c>image_processor_type</c>), for messages and fingerprints.</summary>
    public string ProcessorType { get; init; } = "custom";

    /// <summary>When positive, the shorter edge is resized to this and the longer to floor(this × long / short).</summary>
    public int ShortestEdge { get; init; }

    /// <summary>The exact resize width, used when <see cref="ShortestEdge"/> is zero.</summary>
    public int ResizeWidth { get; init; }

    /// <summary>The exact resize height, used when <see cref="ShortestEdge"/> is zero.</summary>
    public int ResizeHeight { get; init; }

    /// <summary>The resampling filter of the resize.</summary>
    public ResampleFilter Resample { get; init; } = ResampleFilter.Bicubic;

    /// <summary>The centre crop's width, or zero for no crop.</summary>
    public int CropWidth { get; init; }

    /// <summary>The centre crop's height, or zero for no crop.</summary>
    public int CropHeight { get; init; }

    /// <summary>How the centre crop's offset is rounded.</summary>
    public CropOffsetRounding CropRounding { get; init; } = CropOffsetRounding.Floor;

    /// <summary>The factor 8-bit values are multiplied by before normalisation (1/255, or 1 when rescaling is off).</summary>
    public float RescaleFactor { get; init; } = 1f / 255f;

    /// <summary>
    /// The per-channel mean subtracted after rescaling, in the tensor's channel order: R, G, B, or B, G, R when
    /// <see cref="ChannelOrder"/> is <see cref="Imaging.ChannelOrder.Bgr"/> (as Caffe lists 104, 117, 123). In the
    /// rescaled units: 0–1 with the default rescale, 0–255 when <see cref="RescaleFactor"/> is 1.
    /// </summary>
    public IReadOnlyList<float> Mean { get; init; } = Zeros;

    /// <summary>The per-channel standard deviation divided by after subtracting the means, in the tensor's channel order.</summary>
    public IReadOnlyList<float> Std { get; init; } = Ones;

    /// <summary>The order of the colour planes in the tensor; <see cref="Imaging.ChannelOrder.Rgb"/> by default.</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>
    /// A per-pixel mean subtracted after the per-channel <see cref="Mean"/> and before dividing by <see cref="Std"/>, in
    /// the tensor's channel order; it must be <see cref="OutputWidth"/> × <see cref="OutputHeight"/>. None by default.
    /// </summary>
    public MeanImage? MeanImage { get; init; }

    /// <summary>Whether the config asks for RGB conversion. The pipeline always produces RGB; this records the config.</summary>
    public bool ConvertRgb { get; init; } = true;

    /// <summary>The width of the model input: the crop width, or the exact resize width.</summary>
    public int OutputWidth => CropWidth > 0 ? CropWidth : ResizeWidth;

    /// <summary>The height of the model input: the crop height, or the exact resize height.</summary>
    public int OutputHeight => CropHeight > 0 ? CropHeight : ResizeHeight;

    /// <summary>The number of floats of one NCHW image: 3 × <see cref="OutputHeight"/> × <see cref="OutputWidth"/>.</summary>
    public int TensorLength => 3 * OutputWidth * OutputHeight;

    /// <summary>
    /// Reads <c>preprocessor_config.json</c> from a Hugging Face model folder: <c>size</c> (<c>shortest_edge</c>, or
    /// <c>height</c> and <c>width</c>, or a number meaning the shortest edge), <c>resample</c> (2 bilinear, 3 bicubic),
    /// <c>do_center_crop</c> + <c>crop_size</c>, <c>do_rescale</c> + <c>rescale_factor</c>, <c>do_normalize</c> +
    /// <c>image_mean</c> + <c>image_std</c>, <c>do_convert_rgb</c>. A torchvision processor type
    /// (<c>TorchvisionImageNetRecipe</c>) rounds the crop offset half-to-even; all others floor it.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <exception cref="ModelLoadException">The file is missing, is not JSON, or describes a recipe the pipeline cannot run.</exception>
    public static PreprocessRecipe FromFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var path = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, $"{ConfigFileName} is missing from the model folder '{folder}'.");
        }
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var recipe = Parse(document.RootElement);
            var problem = recipe.Validate();
            if (problem is not null)
            {
                throw new FormatException(problem);
            }
            return recipe;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"{ConfigFileName} cannot be used: {e.Message}", e);
        }
    }

    /// <summary>Why this recipe cannot run, or <see langword="null"/> when it can.</summary>
    internal string? Validate()
    {
        if (ShortestEdge <= 0 && (ResizeWidth <= 0 || ResizeHeight <= 0))
        {
            return "the resize needs a positive shortest edge or a positive width and height";
        }
        if (CropWidth < 0 || CropHeight < 0 || (CropWidth == 0) != (CropHeight == 0))
        {
            return "the crop size needs a positive width and height, or neither";
        }
        if (CropWidth == 0 && ShortestEdge > 0)
        {
            return "a shortest-edge resize without a centre crop gives a variable input size, which the pipeline does not support";
        }
        if (ShortestEdge > 0 && (CropWidth > ShortestEdge || CropHeight > ShortestEdge))
        {
            return $"the crop ({CropWidth}x{CropHeight}) is larger than the shortest edge ({ShortestEdge})";
        }
        if (ShortestEdge <= 0 && CropWidth > 0 && (CropWidth > ResizeWidth || CropHeight > ResizeHeight))
        {
            return $"the crop ({CropWidth}x{CropHeight}) is larger than the resize ({ResizeWidth}x{ResizeHeight})";
        }
        if (Mean.Count != 3 || Std.Count != 3)
        {
            return "image_mean and image_std need three values (R, G, B)";
        }
        if (Std.Any(s => !(s > 0f) || float.IsInfinity(s)) || Mean.Any(m => !float.IsFinite(m)) || !(RescaleFactor > 0f))
        {
            return "image_std and rescale_factor must be positive and image_mean finite";
        }
        if (!Enum.IsDefined(ChannelOrder))
        {
            return $"channel order {(int)ChannelOrder} is not supported (RGB or BGR)";
        }
        if (MeanImage is not null && (MeanImage.Width != OutputWidth || MeanImage.Height != OutputHeight))
        {
            return $"the mean image is {MeanImage.Width}x{MeanImage.Height} but the model input is {OutputWidth}x{OutputHeight}";
        }
        if (!Enum.IsDefined(Resample))
        {
            return $"resample {(int)Resample} is not supported (2 bilinear, 3 bicubic)";
        }
        return null;
    }

    private static PreprocessRecipe Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the top level is not a JSON object");
        }
        var type = String(root, "image_processor_type") ?? String(root, "feature_extractor_type") ?? String(root, "processor_class") ?? "unknown";
        var torchvision = type.Contains("Torchvision", StringComparison.OrdinalIgnoreCase);

        int shortest = 0, width = 0, height = 0;
        if (Bool(root, "do_resize") ?? true)
        {
            if (!root.TryGetProperty("size", out var size))
            {
                throw new FormatException("'size' is missing");
            }
            if (size.ValueKind == JsonValueKind.Number)
            {
                shortest = size.GetInt32();
            }
            else if (size.ValueKind == JsonValueKind.Object)
            {
                shortest = Int(size, "shortest_edge") ?? 0;
                if (shortest == 0)
                {
                    width = Int(size, "width") ?? throw new FormatException("'size' has neither 'shortest_edge' nor 'width'");
                    height = Int(size, "height") ?? throw new FormatException("'size' has neither 'shortest_edge' nor 'height'");
                }
            }
            else
            {
                throw new FormatException("'size' is neither a number nor an object");
            }
        }
        else
        {
            throw new FormatException("do_resize=false is not supported: the pipeline needs a fixed input size");
        }

        int cropWidth = 0, cropHeight = 0;
        if (Bool(root, "do_center_crop") ?? root.TryGetProperty("crop_size", out _))
        {
            if (!root.TryGetProperty("crop_size", out var crop))
            {
                throw new FormatException("do_center_crop is set but 'crop_size' is missing");
            }
            if (crop.ValueKind == JsonValueKind.Number)
            {
                cropWidth = cropHeight = crop.GetInt32();
            }
            else if (crop.ValueKind == JsonValueKind.Object)
            {
                cropWidth = Int(crop, "width") ?? throw new FormatException("'crop_size' has no 'width'");
                cropHeight = Int(crop, "height") ?? throw new FormatException("'crop_size' has no 'height'");
            }
            else
            {
                throw new FormatException("'crop_size' is neither a number nor an object");
            }
        }

        var resample = Int(root, "resample") ?? 3;
        if (resample is not (2 or 3))
        {
            throw new FormatException($"resample {resample} is not supported (2 bilinear, 3 bicubic)");
        }
        var rescale = (Bool(root, "do_rescale") ?? true) ? (float)(Double(root, "rescale_factor") ?? (1.0 / 255.0)) : 1f;
        var normalize = Bool(root, "do_normalize") ?? true;
        return new PreprocessRecipe
        {
            ProcessorType = type,
            ShortestEdge = shortest,
            ResizeWidth = width,
            ResizeHeight = height,
            Resample = (ResampleFilter)resample,
            CropWidth = cropWidth,
            CropHeight = cropHeight,
            CropRounding = torchvision ? CropOffsetRounding.HalfToEven : CropOffsetRounding.Floor,
            RescaleFactor = rescale,
            Mean = normalize ? Floats(root, "image_mean") ?? ImageNetMean : Zeros,
            Std = normalize ? Floats(root, "image_std") ?? ImageNetStd : Ones,
            ConvertRgb = Bool(root, "do_convert_rgb") ?? true,
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static int? Int(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new FormatException($"'{name}' is not an integer");
    }

    private static double? Double(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException($"'{name}' is not a number");
    }

    private static ReadOnlyCollection<float>? Floats(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            var one = v.GetSingle();
            return Array.AsReadOnly([one, one, one]);
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"'{name}' is not a list of numbers");
        }
        var values = new float[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            values[i++] = item.ValueKind == JsonValueKind.Number ? item.GetSingle() : throw new FormatException($"'{name}' is not a list of numbers");
        }
        return Array.AsReadOnly(values);
    }
}
