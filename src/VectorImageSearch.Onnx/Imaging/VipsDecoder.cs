using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using NetVips;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>Decodes an <see cref="ImageInput"/> to 8-bit RGB with libvips (NetVips); every failure becomes an <see cref="ImageDecodeException"/>.</summary>
internal static class VipsDecoder
{
    /// <summary>The formats the pipeline decodes.</summary>
    public const string SupportedFormats = ImageFormats.Supported;

    private enum Stage
    {
        Open,
        Header,
        Convert,
        Pixels,
    }

    /// <summary>Decodes <paramref name="input"/> to 8-bit RGB, with JPEG shrink-on-load as <see cref="Decode(ImageInput, ImageDecodeOptions, int, PreprocessRecipe?, Span{byte})"/>.</summary>
    public static DecodedImage Decode(ImageInput input, ImageDecodeOptions options, int minShortEdge) =>
        Decode(input, options, minShortEdge, null, default)!;

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
        Libvips.EnsureInitialized();

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
        else if (new FileInfo(path).Length == 0)
        {
            throw new ImageDecodeException(input.Name, "is empty (0 bytes).");
        }

        var request = new Request(input, path, bytes, options, Math.Max(0, minShortEdge), reduceWith);
        fixed (byte* into = reduceInto)
        {
            request.Into = (IntPtr)into;
            request.IntoLength = reduceInto.Length;
            try
            {
                return Libvips.Run(request.DecodeOnce);
            }
            catch (VipsException exception)
            {
                throw Failure(request, Libvips.Message(exception));
            }
        }
    }

    private static ImageDecodeException Failure(Request request, string message)
    {
        var format = request.Loader is null ? string.Empty : $" ({ImageFormats.FromLoader(request.Loader)})";
        var problem = request.Stage switch
        {
            Stage.Open => $"cannot be read: {message}",
            Stage.Convert => $"could not be decoded{format}: {message}",
            _ => $"is corrupt or truncated{format}: {message}",
        };
        return new ImageDecodeException(request.Input.Name, problem);
    }

    // One decode's arguments and progress. DecodeOnce may run twice (see Libvips.Run); it starts from scratch each time.
    private sealed class Request(
        ImageInput input, string? path, ReadOnlyMemory<byte> bytes, ImageDecodeOptions options, int minShortEdge, PreprocessRecipe? reduceWith)
    {
        public ImageInput Input { get; } = input;

        public IntPtr Into { get; set; }

        public int IntoLength { get; set; }

        public string? Loader { get; private set; }

        public Stage Stage { get; private set; }

        public DecodedImage? DecodeOnce()
        {
            Stage = Stage.Open;
            Loader = null;
            var failOn = (Enums.FailOn)(int)options.Strictness;
            Image? image = null;
            var source = OpenSource();
            try
            {
                var loader = Image.FindLoadSource(source);
                if (loader is null || !ImageFormats.IsAllowed(loader))
                {
                    throw Refused(loader);
                }
                Loader = loader;

                // Header only: libvips' loaders are lazy, no pixel is decoded until one is asked for.
                Stage = Stage.Header;
                image = Image.NewFromSource(source, string.Empty, Enums.Access.Sequential, failOn);
                var (fullWidth, fullHeight) = (image.Width, image.Height);
                var orientation = image.Contains("orientation") ? Convert.ToInt32(image.Get("orientation"), CultureInfo.InvariantCulture) : 1;
                var swap = orientation is >= 5 and <= 8;
                var (sourceWidth, sourceHeight) = swap ? (fullHeight, fullWidth) : (fullWidth, fullHeight);
                if (options.MaxPixels > 0 && (long)fullWidth * fullHeight > options.MaxPixels)
                {
                    throw new ImageDecodeException(Input.Name, string.Create(CultureInfo.InvariantCulture,
                        $"is too large: its header claims {sourceWidth}x{sourceHeight} = {(long)fullWidth * fullHeight:N0} pixels, above the limit of {options.MaxPixels:N0} (ImageDecodeOptions.MaxPixels)."));
                }

                // libjpeg's DCT scaling: only JPEG has a shrink-on-load within PIL's tolerance (and libvips' PNG loader has none).
                var shrink = 1;
                if (loader == ImageFormats.JpegLoader && minShortEdge > 0)
                {
                    var shortEdge = Math.Min(fullWidth, fullHeight);
                    while (shrink < 8 && shortEdge / (shrink * 2) >= minShortEdge)
                    {
                        shrink *= 2;
                    }
                }

                // A rotation reads the decoded image out of order, so it needs random access; shrinking needs the option.
                if (shrink > 1 || orientation > 1)
                {
                    image.Dispose();
                    image = null;
                    source.Dispose();
                    source = OpenSource();
                    var access = orientation > 1 ? Enums.Access.Random : Enums.Access.Sequential;
                    image = shrink > 1
                        ? Image.NewFromSource(source, string.Empty, access, failOn, new VOption { { "shrink", shrink } })
                        : Image.NewFromSource(source, string.Empty, access, failOn);
                }

                Stage = Stage.Convert;
                using var rgb = ToRgb8(image);

                Stage = Stage.Pixels;
                if (reduceWith is not null)
                {
                    var plan = ResizePlan.For(reduceWith, sourceWidth, sourceHeight);
                    var hshrink = (double)sourceWidth / shrink / plan.ResizedWidth;
                    var vshrink = (double)sourceHeight / shrink / plan.ResizedHeight;
                    if (hshrink >= 1.0 && vshrink >= 1.0)
                    {
                        var kernel = reduceWith.Resample == ResampleFilter.Bilinear ? Enums.Kernel.Linear : Enums.Kernel.Cubic;
                        using var reduced = rgb.Reduce(hshrink, vshrink, kernel);
                        using var window = reduced.ExtractArea(plan.CropX, plan.CropY, plan.CropWidth, plan.CropHeight);
                        WritePixels(window, Into, IntoLength);
                        return null;
                    }
                }

                var size = (long)rgb.Width * rgb.Height * 3;
                if (size > Array.MaxLength)
                {
                    throw new ImageDecodeException(Input.Name, string.Create(CultureInfo.InvariantCulture, $"is too large to decode in memory ({rgb.Width}x{rgb.Height})."));
                }
                var buffer = ArrayPool<byte>.Shared.Rent((int)size);
                try
                {
                    unsafe
                    {
                        fixed (byte* destination = buffer)
                        {
                            WritePixels(rgb, (IntPtr)destination, (int)size);
                        }
                    }
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                return new DecodedImage(buffer, rgb.Width, rgb.Height, sourceWidth, sourceHeight, shrink);
            }
            finally
            {
                image?.Dispose();
                source.Dispose();
            }
        }

        // A file source takes the name literally (no libvips "[options]" parsing). Whole arrays are pinned, not copied.
        private Source OpenSource()
        {
            if (path is not null)
            {
                return Source.NewFromFile(path);
            }
            return MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? Source.NewFromMemory(segment.Array)
                : Source.NewFromMemory(bytes.Span);
        }

        private ImageDecodeException Refused(string? loader)
        {
            var format = loader is not null ? ImageFormats.FromLoader(loader) : ImageFormats.Sniff(Head());
            var named = format is null ? "." : $": it is {format}.";
            return new ImageDecodeException(Input.Name, $"is not an image in a supported format (supported: {ImageFormats.Supported}){named}");
        }

        private byte[] Head()
        {
            if (path is null)
            {
                return bytes.Span[..Math.Min(bytes.Length, 256)].ToArray();
            }
            try
            {
                using var file = File.OpenRead(path);
                var head = new byte[256];
                return head[..file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
            }
            catch (IOException)
            {
                return [];
            }
        }
    }

    // 8-bit sRGB with exactly three bands: EXIF orientation applied; CMYK, grey, LAB, 16-bit and float converted by
    // libvips' colourspace rules; alpha (and any extra band) dropped without compositing, as PIL's convert("RGB") does.
    // NetVips hands back the very same Image for an operation with nothing to do (Autorot without an orientation,
    // Colourspace of a "multiband" image), so a step may be the loaded image or an earlier step: only distinct
    // intermediates are disposed, never the loaded image or the result (the caller owns both, disposing is idempotent).
    private static Image ToRgb8(Image loaded)
    {
        var steps = new List<Image>(4);
        Image? result = null;
        try
        {
            var current = Step(steps, loaded.Autorot());
            if (current.Interpretation != Enums.Interpretation.Srgb || current.Format != Enums.BandFormat.Uchar)
            {
                current = Step(steps, current.Colourspace(Enums.Interpretation.Srgb));
            }
            if (current.Format != Enums.BandFormat.Uchar)
            {
                current = Step(steps, current.Cast(Enums.BandFormat.Uchar));
            }
            if (current.Bands > 3)
            {
                current = Step(steps, current.ExtractBand(0, 3));
            }
            else if (current.Bands < 3)
            {
                var grey = Step(steps, current.ExtractBand(0));
                current = Step(steps, grey.Bandjoin(grey, grey));
            }
            result = current;
            return current;
        }
        finally
        {
            foreach (var step in steps.Distinct(ReferenceEqualityComparer.Instance).Cast<Image>())
            {
                if (!ReferenceEquals(step, loaded) && !ReferenceEquals(step, result))
                {
                    step.Dispose();
                }
            }
        }
    }

    private static Image Step(List<Image> steps, Image image)
    {
        steps.Add(image);
        return image;
    }

    // Computes the image's pixels straight into destination (width × height × 3 bytes): libvips writes into an image
    // wrapped around that memory, which must stay pinned for the call.
    private static void WritePixels(Image image, IntPtr destination, int length)
    {
        var needed = (long)image.Width * image.Height * 3;
        if (image.Bands != 3 || image.Format != Enums.BandFormat.Uchar || destination == IntPtr.Zero || length < needed)
        {
            throw new InvalidOperationException("The destination is too small or the image is not 8-bit RGB.");
        }
        using var target = Image.NewFromMemory(destination, (ulong)needed, image.Width, image.Height, 3, Enums.BandFormat.Uchar);
        image.Write(target);
    }
}
