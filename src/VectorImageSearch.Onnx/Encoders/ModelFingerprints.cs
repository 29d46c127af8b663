using System.Security.Cryptography;
using System.Text;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>
/// Computes encoder fingerprints: <c>{model name}@sha256:{32 hex digits}</c>, where the digest is SHA-256 over, for
/// each file in order, its name relative to the model folder, a zero byte, its length (8 bytes, little-endian) and its
/// full content; then over any extra settings that change the embedding (pooling, output, preprocessing recipe).
/// </summary>
/// <remarks>
/// Whole files are hashed (a 600 MB model takes about a second); encoders compute the fingerprint once, on first use,
/// and keep it. The CLIP text and image encoders of one folder hash the same files, so their fingerprints are equal.
/// </remarks>
internal static class ModelFingerprints
{
    /// <summary>The fingerprint of <paramref name="files"/> (relative to <paramref name="root"/>) plus <paramref name="settings"/>.</summary>
    public static string Compute(string modelName, string root, IEnumerable<string> files, string settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            hash.AppendData(Encoding.UTF8.GetBytes(relative));
            hash.AppendData([0]);
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            BitConverter.TryWriteBytes(length, stream.Length);
            hash.AppendData(length);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        hash.AppendData(Encoding.UTF8.GetBytes(settings));
        var digest = hash.GetHashAndReset();
        return $"{modelName}@sha256:{Convert.ToHexStringLower(digest.AsSpan(0, 16))}";
    }
}
