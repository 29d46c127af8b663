namespace VectorImageSearch.Tests.Shared;

/// <summary>The CRC-32 a PNG chunk ends with (ISO-HDLC, polynomial 0xEDB88320), for tests that write or forge PNG files.</summary>
internal static class PngCrc
{
    /// <summary>The CRC of <paramref name="bytes"/>: a chunk's type followed by its data.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        // Bit by bit: the files these tests write are tiny.
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
