using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NetVips;

namespace VectorImageSearch.Samples.Web.Services;

/// <summary>
/// Square PNG thumbnails of indexed files, generated once and kept on disk. They are made with libvips (NetVips, which
/// the search library already brings): the shorter edge scaled to the thumbnail size, then a centre crop, 8-bit RGB
/// without alpha. Images whose header claims more than <see cref="MaxPixels"/> pixels are refused before any pixel is
/// decoded (a guard against decompression bombs), as the search library's own decoder does. A cached file is named
/// after the image's path, size and modification time, so a changed image gets a new thumbnail. Concurrent requests
/// for one thumbnail share one generation.
/// </summary>
internal sealed class ThumbnailCache
{
    /// <summary>The most pixels (width × height) an image may claim: the search library's default limit.</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>The largest file read for a thumbnail (the whole file is read once, so the header check and the thumbnail see the same bytes).</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _inFlight = new(StringComparer.Ordinal);
    private readonly int _size;
    private readonly ILogger<ThumbnailCache> _logger;
    private long _generated;

    public ThumbnailCache(IOptions<ImageSearchWebOptions> options, WebPaths paths, ILogger<ThumbnailCache> logger)
    {
        _size = options.Value.ThumbnailSize;
        Folder = paths.ThumbnailCache;
        _logger = logger;
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>How many thumbnails this process has generated (not served from the cache).</summary>
    public long Generated => Interlocked.Read(ref _generated);

    /// <summary>The cached thumbnail of <paramref name="file"/>, generated first when missing.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be decoded, or is too large.</exception>
    public async Task<string> GetAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, CacheName(file));
        if (File.Exists(path))
        {
            return path;
        }
        var generation = _inFlight.GetOrAdd(path, p => new Lazy<Task<string>>(() => Task.Run(() => Generate(file, p), CancellationToken.None)));
        try
        {
            return await generation.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (generation.IsValueCreated && generation.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(path, generation));
            }
        }
    }

    private string Generate(FileInfo file, string path)
    {
        if (File.Exists(path))
        {
            return path;
        }
        var png = MakePng(file);
        Directory.CreateDirectory(Folder);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, png);
        File.Move(temporary, path, overwrite: true);
        Interlocked.Increment(ref _generated);
        _logger.LogDebug("Thumbnail of {File}: {Bytes} bytes", file.Name, png.Length);
        return path;
    }

    /// <summary>The PNG thumbnail of <paramref name="file"/>.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be decoded, or is too large.</exception>
    private byte[] MakePng(FileInfo file)
    {
        var length = file.Length;
        if (length > MaxFileBytes)
        {
            throw new ImageDecodeException(file.Name, $"is {length:N0} bytes; thumbnails are made of files up to {MaxFileBytes:N0} bytes.");
        }
        // One read: a buffer (unlike a file name) is never answered from libvips' operation cache with old pixels.
        var bytes = File.ReadAllBytes(file.FullName);
        try
        {
            using (var header = Image.NewFromBuffer(bytes, access: Enums.Access.Sequential))
            {
                var pixels = (long)header.Width * header.Height;
                if (pixels > MaxPixels)
                {
                    throw new ImageDecodeException(file.Name,
                        $"claims {header.Width} × {header.Height} = {pixels:N0} pixels, more than the {MaxPixels:N0} thumbnails are made of.");
                }
            }
            // The shorter edge to the size, then the centre square. fail_on goes to the loader as an option: the
            // thumbnail's own failOn let a truncated PNG through (grey where data is missing).
            using var thumbnail = Image.ThumbnailBuffer(bytes, _size, optionString: "fail_on=error", height: _size, crop: Enums.Interesting.Centre);
            using var rgb = ToRgb8(thumbnail);
            return rgb.PngsaveBuffer(keep: Enums.ForeignKeep.None);
        }
        catch (VipsException e)
        {
            throw new ImageDecodeException(file.Name, $"cannot be made into a thumbnail: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>8-bit sRGB with three bands: greyscale, 16-bit and CMYK images converted, alpha dropped.</summary>
    private static Image ToRgb8(Image image)
    {
        using var srgb = image.Colourspace(Enums.Interpretation.Srgb);
        using var rgb = srgb.Bands > 3 ? srgb.ExtractBand(0, n: 3) : srgb.Copy();
        return rgb.Format == Enums.BandFormat.Uchar ? rgb.Copy() : rgb.Cast(Enums.BandFormat.Uchar);
    }

    private static string FirstLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 ? string.Join("; ", lines[1..]) : message.Trim();
    }

    private string CacheName(FileInfo file)
    {
        var identity = $"{file.FullName}\n{file.Length}\n{file.LastWriteTimeUtc.Ticks}\n{_size}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32] + ".png";
    }
}
