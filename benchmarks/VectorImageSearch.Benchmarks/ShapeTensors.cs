using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Benchmarks;

/// <summary>Ready model inputs for the pure-inference benchmarks: the first rendered shapes, preprocessed once.</summary>
internal static class ShapeTensors
{
    /// <summary>The first <paramref name="count"/> shape images preprocessed by <paramref name="encoder"/>, back to back.</summary>
    public static float[] Preprocess(IImageEncoder encoder, int count)
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Shapes, "images"), "*.png").Order(StringComparer.Ordinal).Take(count).ToArray();
        var length = encoder.PreprocessedLength;
        var pixels = new float[files.Length * length];
        for (var i = 0; i < files.Length; i++)
        {
            encoder.Preprocess(ImageInput.FromFile(files[i]), pixels.AsSpan(i * length, length));
        }
        return pixels;
    }
}
