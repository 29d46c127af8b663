using VectorImageSearch.IO;
using VectorImageSearch.Faiss.Indexes;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>Saving and loading: files (atomic writes, optional memory-mapping) and bytes.</content>
internal sealed partial class FaissIndex
{
    /// <summary>
    /// Loads an index written by <see cref="Save"/> (or by FAISS's <c>write_index</c>).
    /// </summary>
    /// <param name="path">The index file.</param>
    /// <param name="memoryMap">
    /// Map the IVF inverted lists (IVF-Flat, IVF-PQ) from the file instead of reading them, so a large index opens at once and
    /// its pages are shared and evictable. FAISS 1.7.3 maps only IVF inverted lists: Flat, HNSW and the IVF coarse
    /// quantiser are always read into memory. A mapped index is read-only (<see cref="IsReadOnly"/>); the file must not
    /// change while it is open.
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FaissException">
    /// The file is not a FAISS index of a kind this library reads, or is corrupt or truncated: the message names the file
    /// and the field. Every count and size is checked against the file's length before FAISS allocates anything, and the
    /// loaded structures (HNSW links, IVF maps) are checked before a search can use them, so a damaged file never crashes
    /// the process or exhausts its memory.
    /// </exception>
    public static unsafe FaissIndex Load(string path, bool memoryMap = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The index file '{fullPath}' does not exist.", fullPath);
        }
        FaissNativeLibraries.EnsureRegistered();
        var flags = memoryMap ? FaissNative.IoFlagMmap | FaissNative.IoFlagReadOnly : 0;
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        IntPtr pointer;
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.ReadFile(fullPath, flags, out pointer, e, (nuint)error.Length), error, $"read the index from '{fullPath}'");
        }
        return FromNative(new SafeFaissIndexHandle(pointer));
    }

    /// <summary>Reads an index from bytes written by <see cref="ToBytes"/> (or FAISS's <c>serialize_index</c>).</summary>
    /// <param name="bytes">The serialised index.</param>
    /// <exception cref="FaissException">The bytes are not a FAISS index of a kind this library reads, or are corrupt or truncated (the message names the field); checked as in <see cref="Load"/>.</exception>
    public static unsafe FaissIndex FromBytes(ReadOnlySpan<byte> bytes)
    {
        FaissNativeLibraries.EnsureRegistered();
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        Span<byte> empty = stackalloc byte[1];
        var source = bytes.IsEmpty ? empty : bytes;
        IntPtr pointer;
        fixed (byte* data = source)
        fixed (byte* e = error)
        {
            var code = ShimNative.Deserialize(data, (nuint)bytes.Length, out pointer, e, (nuint)error.Length);
            ShimNative.Check(code, error, $"read an index from {bytes.Length} bytes");
        }
        return FromNative(new SafeFaissIndexHandle(pointer));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Writes a temporary file in the same folder, flushes it to disk, renames it over <paramref name="path"/> and flushes the
    /// folder: readers see the old file or the new one, never a mix, and a failure leaves the old file untouched. Runs in
    /// parallel with searches. A GPU clone is copied back to the CPU for writing.
    /// </remarks>
    public void Save(string path) => SaveCore(path, beforeCommit: null);

    /// <summary>Serialises the index into one array (at most <see cref="Array.MaxLength"/> bytes; use <see cref="Save"/> beyond).</summary>
    public unsafe byte[] ToBytes() => WithSerialized(static (data, size) =>
    {
        if (size > (nuint)Array.MaxLength)
        {
            throw new NotSupportedException($"The index takes {size} bytes, more than one .NET array holds; use Save(path).");
        }
        var bytes = GC.AllocateUninitializedArray<byte>((int)size);
        new ReadOnlySpan<byte>((void*)data, (int)size).CopyTo(bytes);
        return bytes;
    });

    /// <summary>The size of the serialised index in bytes (what <see cref="Save"/> writes), measured by serialising it once in native memory.</summary>
    internal long SerializedSize() => WithSerialized(static (_, size) => checked((long)size));

    /// <summary>Serialises the index into a native buffer under the read lock, hands it to <paramref name="read"/> and frees it.</summary>
    private unsafe T WithSerialized<T>(Func<IntPtr, nuint, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            var handle = SerializableHandle(out var temporary);
            try
            {
                Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
                IntPtr data;
                nuint size;
                fixed (byte* e = error)
                {
                    ShimNative.Check(ShimNative.Serialize(handle, out data, out size, e, (nuint)error.Length), error, "serialise the index");
                }
                try
                {
                    return read(data, size);
                }
                finally
                {
                    ShimNative.FreeBuffer(data);
                }
            }
            finally
            {
                temporary?.Dispose();
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Saves like <see cref="Save"/>, running <paramref name="beforeCommit"/> between the flushed temporary file and the rename.</summary>
    internal void SaveCore(string path, Action<string>? beforeCommit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _lock.EnterReadLock();
        try
        {
            var handle = SerializableHandle(out var temporary);
            try
            {
                AtomicFile.Write(path, temporaryPath =>
                    FaissNative.Check(FaissNative.WriteIndexFile(handle, temporaryPath), $"write the index to '{temporaryPath}'"), beforeCommit);
            }
            finally
            {
                temporary?.Dispose();
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private static FaissIndex FromNative(SafeFaissIndexHandle handle)
    {
        try
        {
            var pointer = handle.DangerousGetHandle();
            var metric = FaissNative.IndexMetric(pointer) switch
            {
                0 => VectorMetric.InnerProduct,
                1 => VectorMetric.L2,
                var other => throw new NotSupportedException($"The index uses FAISS metric {other}; only inner product (0) and L2 (1) are supported."),
            };
            return new FaissIndex(handle, FaissNative.IndexDimension(pointer), metric, null, null);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private IntPtr SerializableHandle(out SafeFaissIndexHandle? temporary)
    {
        var handle = SearchableHandle();
        temporary = null;
        if ((_capabilities & CapabilityReadOnly) != 0)
        {
            throw new NotSupportedException("A memory-mapped index cannot be saved (its inverted lists live in the file it was loaded from); load it without memoryMap to save a copy.");
        }
        if (IsOnGpu)
        {
            temporary = new SafeFaissIndexHandle(Gpu!.GpuToCpu(handle.DangerousGetHandle()));
            return temporary.DangerousGetHandle();
        }
        return handle.DangerousGetHandle();
    }
}
