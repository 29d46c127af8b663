using System.Runtime.InteropServices;

namespace VectorImageSearch.Faiss.Interop;

/// <summary>
/// FAISS's GPU C API (<c>faiss_StandardGpuResources_new</c>, <c>faiss_index_cpu_to_gpu</c>, <c>faiss_index_gpu_to_cpu</c>),
/// looked up at run time because only FAISS builds with CUDA export it.
/// </summary>
internal sealed unsafe class FaissGpuNative
{
    /// <summary>The message for a FAISS build without GPU support.</summary>
    public const string NoGpuMessage =
        "This FAISS build has no GPU support: libfaiss_c.so does not export faiss_index_cpu_to_gpu. " +
        "Build FAISS with CUDA on a machine with nvcc and a CUDA GPU (VECTORIMAGESEARCH_FAISS_GPU=ON bash eng/native/faiss.sh), " +
        "then point VECTORIMAGESEARCH_NATIVE_DIR at its lib folder (or rebuild VectorImageSearch.Faiss so it is copied).";

    private readonly delegate* unmanaged<IntPtr*, int> _resourcesNew;
    private readonly delegate* unmanaged<IntPtr, void> _resourcesFree;
    private readonly delegate* unmanaged<IntPtr, int, IntPtr, IntPtr*, int> _cpuToGpu;
    private readonly delegate* unmanaged<IntPtr, IntPtr*, int> _gpuToCpu;
    private readonly delegate* unmanaged<int*, int> _gpuCount;

    private FaissGpuNative(IntPtr library)
    {
        _resourcesNew = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(library, "faiss_StandardGpuResources_new");
        _resourcesFree = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(library, "faiss_StandardGpuResources_free");
        _cpuToGpu = (delegate* unmanaged<IntPtr, int, IntPtr, IntPtr*, int>)NativeLibrary.GetExport(library, "faiss_index_cpu_to_gpu");
        _gpuToCpu = (delegate* unmanaged<IntPtr, IntPtr*, int>)NativeLibrary.GetExport(library, "faiss_index_gpu_to_cpu");
        _gpuCount = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "faiss_get_num_gpus");
    }

    /// <summary>The GPU functions of the loaded FAISS C library, or <see langword="null"/> when it was built without them.</summary>
    public static FaissGpuNative? TryLoad()
    {
        FaissNativeLibraries.EnsureRegistered();
        var library = NativeLibrary.Load(FaissNativeLibraries.FaissC, typeof(FaissGpuNative).Assembly, null);
        string[] required = ["faiss_StandardGpuResources_new", "faiss_StandardGpuResources_free", "faiss_index_cpu_to_gpu", "faiss_index_gpu_to_cpu", "faiss_get_num_gpus"];
        foreach (var name in required)
        {
            if (!NativeLibrary.TryGetExport(library, name, out _))
            {
                return null;
            }
        }
        return new FaissGpuNative(library);
    }

    /// <summary>The number of CUDA devices FAISS sees.</summary>
    public int DeviceCount()
    {
        int count;
        FaissNative.Check(_gpuCount(&count), "count GPUs");
        return count;
    }

    /// <summary>Creates a <c>StandardGpuResources</c>.</summary>
    public IntPtr CreateResources()
    {
        IntPtr resources;
        FaissNative.Check(_resourcesNew(&resources), "create GPU resources");
        return resources;
    }

    /// <summary>Frees a <c>StandardGpuResources</c>.</summary>
    public void FreeResources(IntPtr resources) => _resourcesFree(resources);

    /// <summary>Clones a CPU index onto <paramref name="device"/>.</summary>
    public IntPtr CpuToGpu(IntPtr resources, int device, IntPtr index)
    {
        IntPtr gpuIndex;
        FaissNative.Check(_cpuToGpu(resources, device, index, &gpuIndex), $"clone the index to GPU {device}");
        return gpuIndex;
    }

    /// <summary>Clones a GPU index back to the CPU.</summary>
    public IntPtr GpuToCpu(IntPtr index)
    {
        IntPtr cpuIndex;
        FaissNative.Check(_gpuToCpu(index, &cpuIndex), "clone the index back to the CPU");
        return cpuIndex;
    }
}
