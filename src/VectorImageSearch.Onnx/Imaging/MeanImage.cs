using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace VectorImageSearch.Onnx.Imaging;

/// <summary>
/// A per-pixel mean subtracted from a model's input (Caffe and CNTK models of the ImageNet generation): one float per
/// channel, row and column, in CHW order and in the tensor's <see cref="PreprocessRecipe.ChannelOrder"/>, in the units
/// of the rescaled values (0–255 when <see cref="PreprocessRecipe.RescaleFactor"/> is 1). Immutable.
/// </summary>
internal sealed class MeanImage
{
    private readonly float[] _values;

    /// <summary>Creates a mean image from CHW values (3 × <paramref name="height"/> × <paramref name="width"/>), copied.</summary>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="values">All of channel 0, then channel 1, then channel 2, row by row.</param>
    /// <exception cref="ArgumentException">The sizes are not positive, the length is not 3 × height × width, or a value is not finite.</exception>
    public MeanImage(int width, int height, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (values.Length != 3L * width * height)
        {
            throw new ArgumentException($"A {width}x{height} mean image needs 3 x {height} x {width} = {3L * width * height} values, not {values.Length}.", nameof(values));
        }
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("A mean image value is NaN or infinite.", nameof(values));
            }
        }
        Width = width;
        Height = height;
        _values = values.ToArray();
        Digest = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(_values.AsSpan())))[..16];
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The values in CHW order.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The first 16 hex digits of SHA-256 over the values, which names the image in fingerprints.</summary>
    public string Digest { get; }

    /// <summary>The mean of each channel plane, in the tensor's channel order (for messages and checks).</summary>
    public ReadOnlyCollection<float> ChannelMeans
    {
        get
        {
            var plane = Width * Height;
            var means = new float[3];
            for (var c = 0; c < 3; c++)
            {
                double sum = 0;
                foreach (var value in _values.AsSpan(c * plane, plane))
                {
                    sum += value;
                }
                means[c] = (float)(sum / plane);
            }
            return Array.AsReadOnly(means);
        }
    }

    /// <summary>
    /// Reads a mean image stored as a float initializer of shape [1, 3, H, W] or [3, H, W] in an ONNX file, for example
    /// <c>MeanImage</c> in the <c>ResNetPreprocess.onnx</c> that ships beside ML.NET's ResNet featurizers. The file is
    /// parsed directly (no graph is run); external data is not supported.
    /// </summary>
    /// <param name="onnxPath">The ONNX file.</param>
    /// <param name="initializerName">The initializer's name.</param>
    /// <exception cref="ModelLoadException">The file is missing, too large, not an ONNX model, lacks the initializer, or the initializer is not a float [1, 3, H, W] tensor.</exception>
    public static MeanImage FromOnnxInitializer(string onnxPath, string initializerName = "MeanImage")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(initializerName);
        var (dims, values) = OnnxInitializerReader.ReadFloatTensor(onnxPath, initializerName);
        var shape = dims.Length == 4 && dims[0] == 1 ? dims[1..] : dims;
        if (shape.Length != 3 || shape[0] != 3 || shape[1] < 1 || shape[2] < 1 || shape[1] > 1 << 15 || shape[2] > 1 << 15)
        {
            throw new ModelLoadException(onnxPath, $"initializer '{initializerName}' has shape [{string.Join(", ", dims)}], not [1, 3, H, W] or [3, H, W].");
        }
        try
        {
            return new MeanImage((int)shape[2], (int)shape[1], values);
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException(onnxPath, $"initializer '{initializerName}' is not a usable mean image: {e.Message}", e);
        }
    }

    /// <summary>The size and digest, for example <c>MeanImage(3x224x224, sha256:0123456789abcdef)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"MeanImage(3x{Height}x{Width}, sha256:{Digest})";
}
