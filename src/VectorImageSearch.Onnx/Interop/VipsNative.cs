using System.Runtime.InteropServices;

namespace VectorImageSearch.Onnx.Interop;

/// <summary>
/// The fixed-argument functions of our libvips shim (<c>native/vis_vips.c</c>). Every call that can fail returns a
/// <see cref="VipsStatus"/> and writes libvips' message, NUL-terminated UTF-8, into the caller's error buffer.
/// </summary>
internal static unsafe partial class VipsNative
{
    /// <summary>Size of the error buffers passed to the shim.</summary>
    public const int ErrorLength = 1024;

    /// <summary>Size of the loader-name buffer passed to <see cref="Open"/>.</summary>
    public const int LoaderLength = 64;

    private static readonly Lazy<string?> Initialization = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the shim and starts libvips once per process (operation cache off); throws if that fails.</summary>
    public static void EnsureInitialized()
    {
        var failure = Initialization.Value;
        if (failure is not null)
        {
            throw new InvalidOperationException($"libvips could not be started: {failure}");
        }
    }

    /// <summary>libvips' version as "major.minor.micro".</summary>
    public static string Version
    {
        get
        {
            EnsureInitialized();
            return $"{VersionPart(0)}.{VersionPart(1)}.{VersionPart(2)}";
        }
    }

    /// <summary>Turns a NUL-terminated UTF-8 buffer into a string.</summary>
    public static string Text(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }

    private static string? Initialize()
    {
        OnnxNativeLibraries.EnsureRegistered();
        Span<byte> error = stackalloc byte[ErrorLength];
        fixed (byte* e = error)
        {
            return InitNative(e, (nuint)error.Length) == 0 ? null : Text(error);
        }
    }

    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_init")]
    private static partial int InitNative(byte* error, nuint errorLength);

    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_version")]
    private static partial int VersionPart(int flag);

    /// <summary><c>vis_vips_open</c>: opens bytes or a file and prepares an 8-bit RGB pipeline (header only).</summary>
    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial VipsStatus Open(
        byte* data, nuint length, string? path, long maxPixels, int minShortEdge, int failOn,
        out VipsImageHandle image, out int width, out int height, out int sourceWidth, out int sourceHeight,
        out int shrink, byte* loader, nuint loaderLength, byte* error, nuint errorLength);

    /// <summary><c>vis_vips_read_rgb</c>: decodes the pipeline into width × height × 3 bytes.</summary>
    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_read_rgb")]
    public static partial VipsStatus ReadRgb(VipsImageHandle image, byte* destination, nuint destinationLength, byte* error, nuint errorLength);

    /// <summary><c>vis_vips_reduce_crop</c>: libvips' reduce (1 linear, 2 cubic), then decodes only a crop window.</summary>
    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_reduce_crop")]
    public static partial VipsStatus ReduceCrop(
        VipsImageHandle image, double hshrink, double vshrink, int kernel, int left, int top, int width, int height,
        byte* destination, nuint destinationLength, byte* error, nuint errorLength);

    /// <summary><c>vis_vips_release</c>: unreferences a pipeline.</summary>
    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_release")]
    public static partial void Release(IntPtr image);

    /// <summary><c>vis_vips_encode</c>: encodes pixels with the saver named by a suffix such as ".jpg[Q=95]".</summary>
    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_encode", StringMarshalling = StringMarshalling.Utf8)]
    public static partial VipsStatus Encode(
        byte* pixels, nuint pixelsLength, int width, int height, int bands, int kind, int orientation, string suffix,
        out IntPtr buffer, out nuint bufferLength, byte* error, nuint errorLength);

    /// <summary><c>vis_vips_free</c>: frees a buffer from <see cref="Encode"/>.</summary>
    [LibraryImport(OnnxNativeLibraries.VipsShim, EntryPoint = "vis_vips_free")]
    public static partial void Free(IntPtr buffer);
}
