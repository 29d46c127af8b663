using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using VectorImageSearch.Onnx.Imaging;

namespace VectorImageSearch.Samples.Web.Services;

/// <summary>
/// Square PNG thumbnails of indexed files, generated once and kept on disk. They are made with the library's own
/// decoder (<see cref="ImagePipeline.LoadRgb"/>: libvips, with its pixel limit, and PIL's bicubic resize, centre crop)
/// and written by <see cref="PngEncoder"/>. A cached file is named after the image's path, size and modification time,
/// so a changed image gets a new thumbnail. Concurrent requests for one thumbnail share one generation.
/// </summary>
internal sealed class ThumbnailCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _inFlight = new(StringComparer.Ordinal);
    private readonly PreprocessRecipe _recipe;
    private readonly ILogger<ThumbnailCache> _logger;
    private long _generated;

    public ThumbnailCache(IOptions<ImageSearchWebOptions> options, WebPaths paths, ILogger<ThumbnailCache> logger)
    {
        var size = options.Value.ThumbnailSize;
        Folder = paths.ThumbnailCache;
        _recipe = new PreprocessRecipe
        {
            ProcessorType = "thumbnail",
            ShortestEdge = size,
            CropWidth = size,
            CropHeight = size,
            Resample = ResampleFilter.Bicubic,
        };
        _logger = logger;
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>How many thumbnails this process has generated (not served from the cache).</summary>
    public long Generated => Interlocked.Read(ref _generated);

    /// <summary>The cached thumbnail of <paramref name="file"/>, generated first when missing.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be decoded.</exception>
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
        var rgb = ImagePipeline.LoadRgb(ImageInput.FromFile(file.FullName), _recipe);
        var png = PngEncoder.Encode(rgb);
        Directory.CreateDirectory(Folder);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, png);
        File.Move(temporary, path, overwrite: true);
        Interlocked.Increment(ref _generated);
        _logger.LogDebug("Thumbnail of {File}: {Bytes} bytes", file.Name, png.Length);
        return path;
    }

    private string CacheName(FileInfo file)
    {
        var identity = $"{file.FullName}\n{file.Length}\n{file.LastWriteTimeUtc.Ticks}\n{_recipe.OutputWidth}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32] + ".png";
    }
}
