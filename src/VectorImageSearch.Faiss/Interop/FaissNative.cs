using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>The parts of FAISS 1.7.3's official C API (libfaiss_c.so) this package calls. Non-zero returns are failures.</summary>
internal static unsafe partial class FaissNative
{
    /// <summary>
    /// C++ <c>faiss::IO_FLAG_MMAP</c> (<c>IO_FLAG_SKIP_IVF_DATA | 0x646f0000</c>): map IVF inverted lists from the file instead
    /// of reading them. The 1.7.3 C API header's <c>FAISS_IO_FLAG_MMAP</c> is 1, which the C++ reader ignores; the C API
    /// passes the flags through unchanged, so the C++ value is the one that works.
    /// </summary>
    public const int IoFlagMmap = 0x646f0008;

    /// <summary><c>FAISS_IO_FLAG_READ_ONLY</c>.</summary>
    public const int IoFlagReadOnly = 2;

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_get_last_error")]
    public static partial byte* GetLastError();

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_index_factory", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int IndexFactory(out IntPtr index, int dimension, string description, int metric);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_free")]
    public static partial void IndexFree(IntPtr index);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_d")]
    public static partial int IndexDimension(IntPtr index);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_is_trained")]
    public static partial int IndexIsTrained(IntPtr index);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_ntotal")]
    public static partial long IndexCount(IntPtr index);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_metric_type")]
    public static partial int IndexMetric(IntPtr index);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_train")]
    public static partial int IndexTrain(IntPtr index, long n, float* x);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_add_with_ids")]
    public static partial int IndexAddWithIds(IntPtr index, long n, float* x, long* ids);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_remove_ids")]
    public static partial int IndexRemoveIds(IntPtr index, IntPtr selector, out nuint removed);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_Index_reconstruct")]
    public static partial int IndexReconstruct(IntPtr index, long key, float* destination);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_IDSelectorBatch_new")]
    public static partial int IdSelectorBatchNew(out IntPtr selector, nuint n, long* ids);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_IDSelector_free")]
    public static partial void IdSelectorFree(IntPtr selector);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_IndexIDMap2_new")]
    public static partial int IndexIdMap2New(out IntPtr wrapper, IntPtr index);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_IndexIDMap2_set_own_fields")]
    public static partial void IndexIdMap2SetOwnFields(IntPtr wrapper, int own);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_write_index_fname", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int WriteIndexFile(IntPtr index, string path);

    [LibraryImport(FaissNativeLibraries.FaissC, EntryPoint = "faiss_read_index_fname", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ReadIndexFile(string path, int ioFlags, out IntPtr index);

    /// <summary>FAISS's message for the last failure on this thread.</summary>
    public static string LastError()
    {
        var message = GetLastError();
        return message is null ? "FAISS reported an error without a message." : Marshal.PtrToStringUTF8((IntPtr)message) ?? string.Empty;
    }

    /// <summary>Throws <see cref="FaissException"/> with FAISS's message when <paramref name="code"/> is non-zero.</summary>
    public static void Check(int code, string operation)
    {
        if (code != 0)
        {
            throw new FaissException(operation, LastError());
        }
    }
}
