using System.Runtime.InteropServices;

namespace VectorImageSearch.Onnx.Interop;

/// <summary>
/// Owns one ONNX Runtime object (<c>OrtEnv*</c>, <c>OrtSession*</c>, <c>OrtValue*</c>, …) and releases it with the
/// matching <c>Release*</c> function of the <c>OrtApi</c> table exactly once, even when the owner is never disposed.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> _release;

    /// <summary>Takes ownership of <paramref name="pointer"/>, to be freed by <paramref name="release"/>.</summary>
    public OrtHandle(IntPtr pointer, delegate* unmanaged[Cdecl]<IntPtr, void> release)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        SetHandle(pointer);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}
