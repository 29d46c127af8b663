using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.DecodeFuzzer;

/// <summary>
/// The fuzzed entry point: one input through decode + preprocess as the indexing pipeline runs it (CLIP's recipe with
/// the PIL resampler; then, when that decoded, again with libvips' reducer). The one allowed failure is an
/// <see cref="ImageDecodeException"/> naming the input; anything else escapes, which AFL records as a crash. Shared by the
/// fuzzer and by the crash harness's replay of the kept corpus (linked into both), so both judge an input alike.
/// </summary>
internal static class DecodeTarget
{
    /// <summary>
    /// Pixel limit while fuzzing: a mutated header may claim any size up to the default 100 megapixels, which decodes
    /// correctly but takes seconds, and AFL would report it as a hang. The limit's own check is fuzzed all the same.
    /// </summary>
    public const long MaxPixels = 4_000_000;

    private static readonly ImageDecodeOptions Pil = new() { MaxPixels = MaxPixels };
    private static readonly ImageDecodeOptions Libvips = Pil with { ResizeEngine = ResizeEngine.Libvips };

    /// <summary>Runs <paramref name="bytes"/> named <paramref name="name"/>; true when it decoded, false when refused.</summary>
    /// <exception cref="InvalidOperationException">It failed with an <see cref="ImageDecodeException"/> that does not name it.</exception>
    public static bool Run(byte[] bytes, string name, float[] destination)
    {
        try
        {
            ImagePipeline.Preprocess(ImageInput.FromBytes(bytes, name), PreprocessRecipe.Clip224, destination, Pil);
        }
        catch (ImageDecodeException e) when (e.InputName == name && e.Message.Contains(name, StringComparison.Ordinal))
        {
            return false;
        }
        catch (ImageDecodeException e)
        {
            throw new InvalidOperationException($"An ImageDecodeException that does not name its input '{name}': {e.Message}", e);
        }
        try
        {
            ImagePipeline.Preprocess(ImageInput.FromBytes(bytes, name), PreprocessRecipe.Clip224, destination, Libvips);
        }
        catch (ImageDecodeException e) when (e.InputName == name && e.Message.Contains(name, StringComparison.Ordinal))
        {
            // libvips' reducer reads pixels the PIL path may not (for example the whole image, where the PIL path
            // shrank on load): a late refusal is still a clean one.
        }
        return true;
    }
}
