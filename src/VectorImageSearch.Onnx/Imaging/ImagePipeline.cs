using System.Numerics.Tensors;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// Decodes images with libvips (through NetVips and NetVips.Native) and turns them into model inputs with PIL-compatible resizing.
/// </summary>
/// <remarks>
/// <para>Decoding: JPEG, PNG, WebP, GIF (first frame), TIFF and HEIF/AVIF, detected from the content. BMP, SVG, PDF and
/// other formats are refused with an exception that names them. EXIF orientation is applied. CMYK, greyscale, palette and 16-bit images become 8-bit sRGB
/// with libvips' colour rules (16-bit values keep their top 8 bits; CMYK goes through libvips' CMYK profile).</para>
/// <para>Alpha: dropped, not composited — the colour stored under a transparent pixel is kept, exactly as PIL's
/// <c>Image.convert("RGB")</c>, which Hugging Face's <c>convert_to_rgb</c> calls for <c>CLIPImageProcessor</c>.</para>
/// <para>Safety: an image whose header claims more than <see cref="ImageDecodeOptions.MaxPixels"/> pixels is refused before
/// its pixels are decoded; truncated or corrupt data fails (libvips' <c>fail_on</c>, see <see cref="ImageDecodeOptions.Strictness"/>);
/// every failure is an <see cref="ImageDecodeException"/> naming the input and the problem, with libvips' own message for
/// that decode (libvips' error buffer is process-wide: a decode that fails runs again alone, so that concurrent failures
/// never swap messages). Files are read afresh on every call, never from libvips' operation cache, which the pipeline
/// turns off process-wide on first use (NetVips' <c>Cache.Max</c>, <c>MaxMem</c>, <c>MaxFiles</c> = 0).</para>
/// <para>Resizing reproduces PIL's antialiased bilinear and bicubic filters, including their fixed-point rounding; large
/// JPEGs are decoded at reduced scale first (<see cref="ImageDecodeOptions.ShrinkOnLoad"/>). Only the crop window is computed.
/// <see cref="ImageDecodeOptions.ResizeEngine"/> can hand the resize to libvips' <c>vips_reduce</c> instead (opt-in, not bit-exact).</para>
/// <para>All members are thread-safe: many threads may decode at once.</para>
/// </remarks>
internal static class ImagePipeline
{
    /// <summary>
    /// The recipe's 8-bit RGB model input before normalisation: decoded, resized and centre-cropped to
    /// <see cref="PreprocessRecipe.OutputWidth"/> × <see cref="PreprocessRecipe.OutputHeight"/>.
    /// </summary>
    /// <param name="input">The image.</param>
    /// <param name="recipe">The preprocessing recipe.</param>
    /// <param name="options">Decoding limits; <see cref="ImageDecodeOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ImageDecodeException">The image cannot be read or decoded, or is too large.</exception>
    public static RgbImage LoadRgb(ImageInput input, PreprocessRecipe recipe, ImageDecodeOptions? options = null)
    {
        CheckRecipe(recipe);
        var pixels = new byte[recipe.OutputWidth * recipe.OutputHeight * 3];
        Render(input, recipe, options ?? ImageDecodeOptions.Default, pixels);
        return new RgbImage(recipe.OutputWidth, recipe.OutputHeight, pixels);
    }

    /// <summary>
    /// Decodes, resizes, crops and normalises <paramref name="input"/> into <paramref name="destination"/> as one
    /// CHW float32 image (<see cref="PreprocessRecipe.TensorLength"/> values: all R, then all G, then all B, or B, G, R
    /// for <see cref="ChannelOrder.Bgr"/>), each value (byte × rescale − mean − mean image) / std. Uses pooled buffers only.
    /// </summary>
    /// <param name="input">The image.</param>
    /// <param name="recipe">The preprocessing recipe.</param>
    /// <param name="destination">At least <see cref="PreprocessRecipe.TensorLength"/> floats, for example one slot of an NCHW batch.</param>
    /// <param name="options">Decoding limits; <see cref="ImageDecodeOptions.Default"/> when <see langword="null"/>.</param>
    /// <exception cref="ImageDecodeException">The image cannot be read or decoded, or is too large.</exception>
    public static void Preprocess(ImageInput input, PreprocessRecipe recipe, Span<float> destination, ImageDecodeOptions? options = null)
    {
        CheckRecipe(recipe);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, recipe.TensorLength, nameof(destination));
        var length = recipe.OutputWidth * recipe.OutputHeight * 3;
        var crop = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Render(input, recipe, options ?? ImageDecodeOptions.Default, crop.AsSpan(0, length));
            Normalize(crop.AsSpan(0, length), recipe, destination);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(crop);
        }
    }

    /// <summary>
    /// Normalises interleaved 8-bit RGB pixels into CHW float32 in the recipe's <see cref="PreprocessRecipe.ChannelOrder"/>:
    /// value = (byte × <see cref="PreprocessRecipe.RescaleFactor"/> − mean[c] − meanImage[c, y, x]) / std[c], computed in
    /// float32 as Hugging Face's image processors do (the mean image term only when the recipe has one).
    /// </summary>
    /// <param name="rgb">Interleaved RGB bytes, a whole number of pixels; exactly the mean image's pixels when the recipe has one.</param>
    /// <param name="recipe">Supplies the rescale factor, means, std and channel order.</param>
    /// <param name="destination">At least as many floats as <paramref name="rgb"/> has bytes.</param>
    public static void Normalize(ReadOnlySpan<byte> rgb, PreprocessRecipe recipe, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (rgb.Length % 3 != 0)
        {
            throw new ArgumentException("The pixel data is not a whole number of RGB pixels.", nameof(rgb));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, rgb.Length, nameof(destination));
        var meanImage = recipe.MeanImage;
        if (meanImage is not null && meanImage.Values.Length != rgb.Length)
        {
            throw new ArgumentException($"The pixel data holds {rgb.Length / 3} pixels but the recipe's mean image is {meanImage.Width}x{meanImage.Height}.", nameof(rgb));
        }
        var plane = rgb.Length / 3;
        var bgr = recipe.ChannelOrder == ChannelOrder.Bgr;
        Span<float> table = stackalloc float[3 * 256];
        for (var c = 0; c < 3; c++)
        {
            var mean = recipe.Mean[c];
            var std = recipe.Std[c];
            for (var v = 0; v < 256; v++)
            {
                var scaled = (float)(v * (double)recipe.RescaleFactor);
                table[(c * 256) + v] = meanImage is null ? (scaled - mean) / std : scaled - mean;
            }
        }
        // Tensor plane c takes source channel c (RGB) or 2 - c (BGR).
        var first = destination[..plane];
        var second = destination.Slice(plane, plane);
        var third = destination.Slice(2 * plane, plane);
        var firstTable = table[..256];
        var secondTable = table.Slice(256, 256);
        var thirdTable = table.Slice(512, 256);
        int firstSource = bgr ? 2 : 0, thirdSource = bgr ? 0 : 2;
        for (var i = 0; i < plane; i++)
        {
            first[i] = firstTable[rgb[(i * 3) + firstSource]];
            second[i] = secondTable[rgb[(i * 3) + 1]];
            third[i] = thirdTable[rgb[(i * 3) + thirdSource]];
        }
        if (meanImage is not null)
        {
            var values = destination[..rgb.Length];
            TensorPrimitives.Subtract(values, meanImage.Values, values);
            for (var c = 0; c < 3; c++)
            {
                TensorPrimitives.Divide(values.Slice(c * plane, plane), recipe.Std[c], values.Slice(c * plane, plane));
            }
        }
    }

    /// <summary>Decodes <paramref name="input"/> at full resolution to 8-bit RGB (orientation applied, alpha dropped).</summary>
    /// <param name="input">The image.</param>
    /// <param name="options">Decoding limits; <see cref="ImageDecodeOptions.Default"/> when <see langword="null"/>. Shrink-on-load is not used.</param>
    /// <exception cref="ImageDecodeException">The image cannot be read or decoded, or is too large.</exception>
    public static RgbImage Decode(ImageInput input, ImageDecodeOptions? options = null)
    {
        using var decoded = VipsDecoder.Decode(input, options ?? ImageDecodeOptions.Default, minShortEdge: 0);
        return new RgbImage(decoded.Width, decoded.Height, decoded.Pixels.ToArray());
    }

    private static void CheckRecipe(PreprocessRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var problem = recipe.Validate();
        if (problem is not null)
        {
            throw new ArgumentException($"The preprocessing recipe cannot run: {problem}.", nameof(recipe));
        }
    }

    private static void Render(ImageInput input, PreprocessRecipe recipe, ImageDecodeOptions options, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.ShrinkOnLoadMargin >= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ImageDecodeOptions.ShrinkOnLoadMargin must be at least 1.");
        }
        var target = recipe.ShortestEdge > 0 ? recipe.ShortestEdge : Math.Max(recipe.ResizeWidth, recipe.ResizeHeight);
        var minShortEdge = options.ShrinkOnLoad ? (int)Math.Ceiling(target * options.ShrinkOnLoadMargin) : 0;
        if (options.ResizeEngine == ResizeEngine.Libvips)
        {
            using var unused = VipsDecoder.Decode(input, options, minShortEdge, recipe, destination);
            if (unused is null)
            {
                return; // libvips reduced and cropped straight into destination
            }
            Resample(unused, recipe, destination); // an upscale: vips_reduce only shrinks
            return;
        }
        using var image = VipsDecoder.Decode(input, options, minShortEdge);
        Resample(image, recipe, destination);
    }

    private static void Resample(DecodedImage image, PreprocessRecipe recipe, Span<byte> destination)
    {
        var plan = ResizePlan.For(recipe, image.SourceWidth, image.SourceHeight);
        PilResampler.ResizeCrop(
            image.Pixels, image.Width, image.Height, image.BoxWidth, image.BoxHeight, plan.ResizedWidth, plan.ResizedHeight,
            plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight, recipe.Resample, destination);
    }
}
