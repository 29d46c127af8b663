using System.Runtime.InteropServices;

namespace VectorImageSearch.Onnx.Interop;

/// <summary>Owns one libvips image pipeline (a <c>VipsImage*</c> from <c>vis_vips_open</c>).</summary>
internal sealed class VipsImageHandle : SafeHandle
{
    /// <summary>Creates an empty handle; the marshaller fills it.</summary>
    public VipsImageHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        VipsNative.Release(handle);
        return true;
    }
}
