using VectorImageSearch.Tests.Shared;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NetVips;

namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>The images the tests send: bundled shapes, and hostile files made on the spot.</summary>
internal static class TestImages
{
    /// <summary>The shapes folder the build copies beside the tests (the app's default image folder).</summary>
    public static string ShapesFolder => Path.Combine(AppContext.BaseDirectory, "images", "shapes");

    /// <summary>A bundled shape by file name.</summary>
    public static string Shape(string fileName) => Path.Combine(ShapesFolder, fileName);

    /// <summary>A valid PNG of <paramref name="size"/>² pixels of noise (large, so a truncated copy loses most of its data).</summary>
    public static byte[] NoisePng(int size)
    {
        var pixels = new byte[size * size * 3];
        new Random(42).NextBytes(pixels);
        using var image = Image.NewFromMemory(pixels, size, size, 3, Enums.BandFormat.Uchar);
        return image.PngsaveBuffer();
    }

    /// <summary>
    /// A decompression bomb: a PNG whose header claims <paramref name="width"/> × <paramref name="height"/> RGB pixels
    /// (30000² is 2.7 GB decoded) with a few bytes of data. Chunks and CRCs are valid, so only the size can stop it.
    /// </summary>
    public static byte[] BombPng(int width = 30000, int height = 30000)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(output, "IHDR", header);
        using (var data = new MemoryStream())
        {
            using (var zlib = new ZLibStream(data, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(new byte[64 * 1024]); // zero rows: would inflate to the whole image if decoding began
            }
            Chunk(output, "IDAT", data.ToArray());
        }
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, PngCrc.Compute([.. typeBytes, .. data]));
        output.Write(word);
    }
}
