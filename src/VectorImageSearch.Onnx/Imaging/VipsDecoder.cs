using System.Buffers;
using System.Globalization;
using VectorImageSearch.Onnx.Interop;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>Decodes an <see cref="ImageInput"/> to 8-bit RGB with libvips through our shim; every failure becomes an <see cref="ImageDecodeException"/>.</summary>
internal static class VipsDecoder
{
    /// <summary>Decodes <paramref name="input"/> to 8-bit RGB, with JPEG shrink-on-load as <see cref="Decode(ImageInput, ImageDecodeOptions, int, PreprocessRecipe?, Span{byte})"/>.</summary>
    public static DecodedImage Decode(ImageInput input, ImageDecodeOptions options, int minShortEdge) =>
        Decode(input, options, minShortEdge, null, default)!;

    /// <summary>The formats the pipeline decodes (the loaders the shim allows).</summary>
    public const string SupportedFormats = "JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF";

    /// <summary>
    /// Decodes <paramref name="input"/>. When <paramref name="minShortEdge"/> is positive and the input is a JPEG,
    /// libjpeg's shrink-on-load may decode it at 1/2, 1/4 or 1/8 scale, keeping the shorter edge ≥ <paramref name="minShortEdge"/>.
    /// With <paramref name="reduceWith"/>, a downscale is done by libvips' reduce straight into <paramref name="reduceInto"/>
    /// (the recipe's crop) and the result is <see langword="null"/>; an upscale still returns the decoded image.
    /// </summary>
    public static unsafe DecodedImage? Decode(
        ImageInput input, ImageDecodeOptions options, int minShortEdge, PreprocessRecipe? reduceWith, Span<byte> reduceInto)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        VipsNative.EnsureInitialized();

        var path = input.FilePath;
        var bytes = ReadOnlyMemory<byte>.Empty;
        if (path is null)
        {
            bytes = input.ReadAllBytes();
            if (bytes.IsEmpty)
            {
                throw new ImageDecodeException(input.Name, "is empty (0 bytes).");
            }
        }
        else if (!File.Exists(path))
        {
            throw new ImageDecodeException(input.Name, "does not exist.");
        }

        Span<byte> error = stackalloc byte[VipsNative.ErrorLength];
        Span<byte> loader = stackalloc byte[VipsNative.LoaderLength];
        using var pin = bytes.Pin();
        fixed (byte* e = error)
        fixed (byte* l = loader)
        {
            var status = VipsNative.Open(
                (byte*)pin.Pointer, (nuint)bytes.Length, path, Math.Max(0, options.MaxPixels), Math.Max(0, minShortEdge),
                (int)options.Strictness, out var image, out var width, out var height, out var sourceWidth,
                out var sourceHeight, out var shrink, l, (nuint)loader.Length, e, (nuint)error.Length);
            using (image)
            {
                if (status != VipsStatus.Ok)
                {
                    throw Failure(input, options, status, VipsNative.Text(error), VipsNative.Text(loader), sourceWidth, sourceHeight);
                }
                if (reduceWith is not null)
                {
                    var plan = ResizePlan.For(reduceWith, sourceWidth, sourceHeight);
                    var hshrink = (double)sourceWidth / shrink / plan.ResizedWidth;
                    var vshrink = (double)sourceHeight / shrink / plan.ResizedHeight;
                    if (hshrink >= 1.0 && vshrink >= 1.0)
                    {
                        var kernel = reduceWith.Resample == ResampleFilter.Bilinear ? 1 : 2;
                        fixed (byte* destination = reduceInto)
                        {
                            status = VipsNative.ReduceCrop(
                                image, hshrink, vshrink, kernel, plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight,
                                destination, (nuint)reduceInto.Length, e, (nuint)error.Length);
                        }
                        if (status != VipsStatus.Ok)
                        {
                            throw Failure(input, options, status, VipsNative.Text(error), VipsNative.Text(loader), sourceWidth, sourceHeight);
                        }
                        return null;
                    }
                }
                var size = (long)width * height * 3;
                if (size > Array.MaxLength)
                {
                    throw new ImageDecodeException(input.Name, string.Create(CultureInfo.InvariantCulture, $"is too large to decode in memory ({width}x{height})."));
                }
                var length = (int)size;
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                fixed (byte* destination = buffer)
                {
                    status = VipsNative.ReadRgb(image, destination, (nuint)length, e, (nuint)error.Length);
                }
                if (status != VipsStatus.Ok)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw Failure(input, options, status, VipsNative.Text(error), VipsNative.Text(loader), sourceWidth, sourceHeight);
                }
                return new DecodedImage(buffer, width, height, sourceWidth, sourceHeight, shrink);
            }
        }
    }

    private static ImageDecodeException Failure(
        ImageInput input, ImageDecodeOptions options, VipsStatus status, string message, string loader, int width, int height)
    {
        var format = loader.Length > 0 ? $" ({FormatName(loader)})" : string.Empty;
        var problem = status switch
        {
            VipsStatus.Empty => "is empty (0 bytes).",
            VipsStatus.UnknownFormat => $"is not an image in a supported format (supported: {SupportedFormats}).",
            VipsStatus.Unsupported => $"is in a format the pipeline does not decode{format}; supported: {SupportedFormats}.",
            VipsStatus.TooLarge => string.Create(CultureInfo.InvariantCulture, $"is too large: its header claims {width}x{height} = {(long)width * height:N0} pixels, above the limit of {options.MaxPixels:N0} (ImageDecodeOptions.MaxPixels)."),
            VipsStatus.Corrupt => $"is corrupt or truncated{format}: {OneLine(message)}",
            VipsStatus.IO => $"cannot be read: {OneLine(message)}",
            _ => $"could not be decoded{format}: {OneLine(message)}",
        };
        return new ImageDecodeException(input.Name, problem);
    }

    // libvips stacks one message per line.
    private static string OneLine(string message) =>
        string.Join("; ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    // libvips' loader type names read "VipsForeignLoad" + format + "Source".
    private static string FormatName(string loader)
    {
        const string prefix = "VipsForeignLoad", suffix = "Source";
        return loader.StartsWith(prefix, StringComparison.Ordinal) && loader.EndsWith(suffix, StringComparison.Ordinal) && loader.Length > prefix.Length + suffix.Length
            ? loader[prefix.Length..^suffix.Length].ToUpperInvariant()
            : loader;
    }
}
