using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>Owns one native <c>faiss::gpu::StandardGpuResources*</c> and frees it through FAISS's GPU C API.</summary>
internal sealed class SafeGpuResourcesHandle : SafeHandle
{
    private readonly FaissGpuNative _api;

    /// <summary>Takes ownership of <paramref name="resources"/>, created by <paramref name="api"/>.</summary>
    public SafeGpuResourcesHandle(FaissGpuNative api, IntPtr resources)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _api = api;
        SetHandle(resources);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        _api.FreeResources(handle);
        return true;
    }
}
