using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>Owns one native id filter (<c>vis::Selector*</c>, native/vis_search.h) and frees it with the shim.</summary>
internal sealed class SafeFaissSelectorHandle : SafeHandle
{
    /// <summary>Creates an empty (invalid) handle, as P/Invoke marshalling needs.</summary>
    public SafeFaissSelectorHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="selector"/>.</summary>
    public SafeFaissSelectorHandle(IntPtr selector)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(selector);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        ShimNative.SelectorFree(handle);
        return true;
    }
}
