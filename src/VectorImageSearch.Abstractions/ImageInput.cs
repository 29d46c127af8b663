namespace VectorImageSearch;

/// <summary>
/// An image to decode: a file on disk or encoded bytes held in memory (JPEG, PNG, WebP, GIF, TIFF, …).
/// The format is detected from the content, never from the file name.
/// </summary>
public sealed class ImageInput
{
    private readonly ReadOnlyMemory<byte> _bytes;

    private ImageInput(string? path, ReadOnlyMemory<byte> bytes, string name)
    {
        FilePath = path;
        _bytes = bytes;
        Name = name;
    }

    /// <summary>The file this input reads, or <see langword="null"/> when it holds bytes.</summary>
    public string? FilePath { get; }

    /// <summary>A human-readable name used in exceptions and reports: the path, or the name given for bytes.</summary>
    public string Name { get; }

    /// <summary>An image file. The file is read when the image is decoded.</summary>
    /// <param name="path">The path of the image file.</param>
    public static ImageInput FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new ImageInput(Path.GetFullPath(path), ReadOnlyMemory<byte>.Empty, path);
    }

    /// <summary>Encoded image bytes. The memory is referenced, not copied: do not change it while the input is used.</summary>
    /// <param name="bytes">The encoded image.</param>
    /// <param name="name">A name for messages; defaults to "&lt;bytes&gt;".</param>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> bytes, string? name = null) =>
        new(null, bytes, name ?? "<bytes>");

    /// <summary>Reads <paramref name="stream"/> to its end now and keeps the bytes.</summary>
    /// <param name="stream">A readable stream holding one encoded image.</param>
    /// <param name="name">A name for messages; defaults to "&lt;stream&gt;".</param>
    public static ImageInput FromStream(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new ImageInput(null, buffer.ToArray(), name ?? "<stream>");
    }

    /// <summary>Reads <paramref name="stream"/> to its end asynchronously and keeps the bytes.</summary>
    /// <param name="stream">A readable stream holding one encoded image.</param>
    /// <param name="name">A name for messages; defaults to "&lt;stream&gt;".</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<ImageInput> FromStreamAsync(Stream stream, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new ImageInput(null, buffer.ToArray(), name ?? "<stream>");
    }

    /// <summary>The encoded bytes: read from the file for a file input, as given otherwise.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be read.</exception>
    public ReadOnlyMemory<byte> ReadAllBytes()
    {
        if (FilePath is null)
        {
            return _bytes;
        }
        try
        {
            return File.ReadAllBytes(FilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(Name, $"cannot be read: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
