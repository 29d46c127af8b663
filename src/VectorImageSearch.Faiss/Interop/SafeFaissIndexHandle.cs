using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>Owns one native <c>faiss::Index*</c> and frees it with <c>faiss_Index_free</c>.</summary>
internal sealed class SafeFaissIndexHandle : SafeHandle
{
    /// <summary>Creates an empty (invalid) handle, as P/Invoke marshalling needs.</summary>
    public SafeFaissIndexHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="index"/>.</summary>
    public SafeFaissIndexHandle(IntPtr index)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(index);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        FaissNative.IndexFree(handle);
        return true;
    }
}
