using System.Text;
using VectorImageSearch.Faiss.Indexes;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>Creation: factory strings from a spec, the IndexIDMap2 wrapper, and what the native index reports about itself.</content>
internal sealed partial class FaissIndex
{
    /// <summary>
    /// Creates an empty index for vectors of <paramref name="dimension"/> floats. Automatic choices (<see cref="IndexSpec.Auto(long)"/>,
    /// an IVF cell count of 0) use <paramref name="expectedCount"/> or the spec's own expected count; when neither is known
    /// they are made at the first <see cref="Train(ReadOnlySpan{float})"/> from the number of vectors it receives.
    /// </summary>
    /// <param name="dimension">The vector length.</param>
    /// <param name="spec">What index to build.</param>
    /// <param name="metric">How vectors are compared; inner product is cosine similarity on normalised vectors.</param>
    /// <param name="expectedCount">The number of vectors the index will hold, when known.</param>
    /// <exception cref="FaissException">FAISS refused the factory string.</exception>
    public static FaissIndex Create(int dimension, IndexSpec spec, VectorMetric metric = VectorMetric.InnerProduct, long expectedCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        }
        var count = expectedCount > 0 ? expectedCount : spec.ExpectedCount;
        if (count == 0 && NeedsCount(spec))
        {
            _ = spec.Resolve(1, dimension); // validates the fixed parts now
            return new FaissIndex(null, dimension, metric, null, spec);
        }
        var resolved = spec.Resolve(count, dimension);
        return new FaissIndex(CreateNative(dimension, resolved, metric, count), dimension, metric, resolved, null);
    }

    /// <summary>Creates an index from a FAISS factory string, for example <c>"IVF1024,Flat"</c> or <c>"HNSW32"</c>.</summary>
    /// <param name="dimension">The vector length.</param>
    /// <param name="factoryString">The FAISS index factory description.</param>
    /// <param name="metric">How vectors are compared.</param>
    public static FaissIndex Create(int dimension, string factoryString, VectorMetric metric = VectorMetric.InnerProduct) =>
        Create(dimension, IndexSpec.Factory(factoryString), metric);

    private static bool NeedsCount(IndexSpec spec) =>
        spec.Kind == IndexSpecKind.Auto || (spec.Kind is IndexSpecKind.IvfFlat or IndexSpecKind.IvfPq or IndexSpecKind.IvfSq8 && spec.NList == 0);

    private static SafeFaissIndexHandle CreateNative(int dimension, IndexSpec resolved, VectorMetric metric, long count)
    {
        FaissNativeLibraries.EnsureRegistered();
        var factory = resolved.ToFactoryString(dimension, count);
        FaissNative.Check(FaissNative.IndexFactory(out var pointer, dimension, factory, (int)metric), $"create an index from the factory string '{factory}'");
        var handle = new SafeFaissIndexHandle(pointer);
        try
        {
            switch (resolved.Kind)
            {
                case IndexSpecKind.IvfFlat or IndexSpecKind.IvfPq or IndexSpecKind.IvfSq8:
                    SetDefaults(pointer, resolved.NProbe, 0, resolved.RefineFactor);
                    break;
                case IndexSpecKind.Hnsw:
                    SetDefaults(pointer, 0, resolved.EfSearch, 0);
                    Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
                    unsafe
                    {
                        fixed (byte* e = error)
                        {
                            ShimNative.Check(ShimNative.SetEfConstruction(pointer, resolved.EfConstruction, e, (nuint)error.Length), error, "set efConstruction");
                        }
                    }
                    break;
            }
            if ((QueryCapabilities(handle) & CapabilityIds) == 0)
            {
                FaissNative.Check(FaissNative.IndexIdMap2New(out var wrapper, pointer), "wrap the index in IndexIDMap2");
                FaissNative.IndexIdMap2SetOwnFields(wrapper, 1);
                handle.SetHandleAsInvalid(); // the wrapper owns the inner index now
                return new SafeFaissIndexHandle(wrapper);
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static unsafe int QueryCapabilities(SafeFaissIndexHandle handle)
    {
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.Capabilities(handle.DangerousGetHandle(), out var flags, e, (nuint)error.Length), error, "inspect the index");
            return flags;
        }
    }

    private static unsafe string Describe(IntPtr index)
    {
        Span<byte> buffer = stackalloc byte[1024];
        Span<byte> error = stackalloc byte[ShimNative.ErrorBufferSize];
        fixed (byte* b = buffer)
        fixed (byte* e = error)
        {
            ShimNative.Check(ShimNative.Describe(index, b, (nuint)buffer.Length, e, (nuint)error.Length), error, "describe the index");
        }
        return Encoding.UTF8.GetString(buffer[..buffer.IndexOf((byte)0)]);
    }
}
