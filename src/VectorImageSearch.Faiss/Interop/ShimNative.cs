using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>Our extension shim over FAISS (libvis_faiss.so, native/vis_faiss.cpp): what the 1.7.3 C API lacks.</summary>
internal static unsafe partial class ShimNative
{
    /// <summary>The size of the error buffer every shim call fills on failure.</summary>
    public const int ErrorBufferSize = 2048;

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_get_num_threads")]
    public static partial int GetNumThreads();

    /// <summary>The OpenMP team size the calling thread's last <see cref="Search"/> ran with (0 before the first).</summary>
    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_last_search_threads")]
    public static partial int LastSearchThreads();

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_set_num_threads")]
    public static partial void SetNumThreads(int threads);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_search")]
    public static partial int Search(IntPtr index, long n, float* x, long k, int nprobe, int efSearch, IntPtr filter,
        double exactFraction, int threads, float* distances, long* labels, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_selector_new")]
    public static partial int SelectorNew(int kind, long* ids, byte* bits, nuint n, long begin, long end, out IntPtr selector,
        byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_selector_count")]
    public static partial long SelectorCount(IntPtr selector);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_selector_free")]
    public static partial void SelectorFree(IntPtr selector);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_serialize")]
    public static partial int Serialize(IntPtr index, out IntPtr data, out nuint size, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_free_buffer")]
    public static partial void FreeBuffer(IntPtr data);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_deserialize")]
    public static partial int Deserialize(byte* data, nuint size, out IntPtr index, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_read_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ReadFile(string path, int ioFlags, out IntPtr index, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_describe")]
    public static partial int Describe(IntPtr index, byte* buffer, nuint bufferLength, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_capabilities")]
    public static partial int Capabilities(IntPtr index, out int flags, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_set_defaults")]
    public static partial int SetDefaults(IntPtr index, int nprobe, int efSearch, float refineFactor, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_get_defaults")]
    public static partial int GetDefaults(IntPtr index, out int nprobe, out int efSearch, out float refineFactor, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_set_ef_construction")]
    public static partial int SetEfConstruction(IntPtr index, int efConstruction, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_enable_reconstruct")]
    public static partial int EnableReconstruct(IntPtr index, byte* error, nuint errorLength);

    [LibraryImport(FaissNativeLibraries.Shim, EntryPoint = "vis_faiss_needs_direct_map")]
    public static partial int NeedsDirectMap(IntPtr index, out int needs, byte* error, nuint errorLength);

    /// <summary>Throws <see cref="FaissException"/> with the shim's message when <paramref name="code"/> is non-zero.</summary>
    public static void Check(int code, ReadOnlySpan<byte> error, string operation)
    {
        if (code == 0)
        {
            return;
        }
        var end = error.IndexOf((byte)0);
        var message = System.Text.Encoding.UTF8.GetString(end >= 0 ? error[..end] : error);
        if (code == -2)
        {
            throw new OutOfMemoryException($"FAISS ran out of memory while it tried to {operation}: {message}");
        }
        throw new FaissException(operation, message.Length > 0 ? message : $"native error {code}");
    }
}
