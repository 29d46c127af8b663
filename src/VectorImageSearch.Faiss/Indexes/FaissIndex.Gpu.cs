using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>GPU cloning through FAISS's GPU C API, when the native build has it.</content>
internal sealed partial class FaissIndex
{
    private static readonly Lazy<FaissGpuNative?> GpuApi = new(FaissGpuNative.TryLoad);

    private SafeGpuResourcesHandle? _gpuResources;

    /// <summary>Whether the loaded FAISS library was built with CUDA (exports <c>faiss_index_cpu_to_gpu</c>).</summary>
    public static bool IsGpuSupported => GpuApi.Value is not null;

    /// <summary>The number of CUDA devices FAISS sees; 0 when the build has no GPU support.</summary>
    public static int GpuDeviceCount => GpuApi.Value?.DeviceCount() ?? 0;

    /// <summary>Whether this index is a GPU clone made by <see cref="ToGpu"/>.</summary>
    public bool IsOnGpu => _gpuResources is not null;

    /// <summary>The GPU this clone lives on, or -1 for a CPU index.</summary>
    public int GpuDevice { get; private set; } = -1;

    private static FaissGpuNative? Gpu => GpuApi.Value;

    /// <summary>
    /// Clones the index onto CUDA device <paramref name="device"/> (FAISS's <c>index_cpu_to_gpu</c>); this index is unchanged.
    /// Flat and IVF kinds clone; HNSW stays on the CPU in FAISS (the clone then fails with FAISS's message).
    /// </summary>
    /// <param name="device">The CUDA device number, from 0.</param>
    /// <exception cref="NotSupportedException">This FAISS build has no GPU support; the message says how to get one.</exception>
    /// <exception cref="FaissException">FAISS could not clone the index (no such device, unsupported kind…).</exception>
    public FaissIndex ToGpu(int device = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(device);
        var gpu = Gpu ?? throw new NotSupportedException(FaissGpuNative.NoGpuMessage);
        _lock.EnterReadLock();
        try
        {
            var handle = SearchableHandle();
            var resources = new SafeGpuResourcesHandle(gpu, gpu.CreateResources());
            try
            {
                var clone = new SafeFaissIndexHandle(gpu.CpuToGpu(resources.DangerousGetHandle(), device, handle.DangerousGetHandle()));
                return new FaissIndex(clone, Dimension, Metric, Spec, null) { _gpuResources = resources, GpuDevice = device, Threads = Threads };
            }
            catch
            {
                resources.Dispose();
                throw;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>A CPU copy of this index: FAISS's <c>index_gpu_to_cpu</c> for a GPU clone, a serialised copy otherwise.</summary>
    public FaissIndex ToCpu()
    {
        if (!IsOnGpu)
        {
            var copy = FromBytes(ToBytes());
            copy.Spec = Spec;
            copy.Threads = Threads;
            return copy;
        }
        _lock.EnterReadLock();
        try
        {
            var handle = SearchableHandle();
            var cpu = new SafeFaissIndexHandle(Gpu!.GpuToCpu(handle.DangerousGetHandle()));
            return new FaissIndex(cpu, Dimension, Metric, Spec, null) { Threads = Threads };
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void ReleaseGpu()
    {
        // The GPU index is freed first (Dispose), then the resources it used.
        _gpuResources?.Dispose();
        _gpuResources = null;
    }
}
