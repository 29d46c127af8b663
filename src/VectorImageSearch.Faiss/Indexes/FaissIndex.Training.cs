using System.Buffers;
using VectorImageSearch.Faiss.Indexes;
using VectorImageSearch.Faiss.Interop;

namespace VectorImageSearch.Faiss;

/// <content>Training, on all vectors or a seeded random sample; an automatic spec is resolved here.</content>
internal sealed partial class FaissIndex
{
    /// <summary>Trains the index on all of <paramref name="vectors"/>. Flat and HNSW need no training (a no-op).</summary>
    /// <param name="vectors">Training vectors laid end to end, a multiple of <see cref="Dimension"/> floats.</param>
    public void Train(ReadOnlySpan<float> vectors) => Train(vectors, int.MaxValue);

    /// <summary>
    /// Trains on at most <paramref name="maxTrainingVectors"/> vectors drawn uniformly at random (without replacement) from
    /// <paramref name="vectors"/>. An automatic spec is resolved from the full count first.
    /// </summary>
    /// <param name="vectors">Candidate training vectors, a multiple of <see cref="Dimension"/> floats.</param>
    /// <param name="maxTrainingVectors">The sample size; <see cref="RecommendedTrainingCount"/> gives a good one.</param>
    /// <param name="seed">The random seed of the sample, for reproducible builds.</param>
    public void Train(ReadOnlySpan<float> vectors, int maxTrainingVectors, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrainingVectors, 1);
        var n = VectorChecks.CountVectors(vectors, Dimension, nameof(vectors));
        VectorChecks.EnsureFinite(vectors, Dimension, nameof(vectors));
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_handle is null)
            {
                var resolved = _pendingSpec!.Resolve(n, Dimension);
                _handle = CreateNative(Dimension, resolved, Metric, n);
                Volatile.Write(ref _capabilities, QueryCapabilities(_handle));
                Spec = resolved;
                _pendingSpec = null;
            }
            ThrowIfReadOnly("train");
            if (n <= maxTrainingVectors)
            {
                TrainNative(vectors, n);
                return;
            }
            var sample = ArrayPool<float>.Shared.Rent(maxTrainingVectors * Dimension);
            try
            {
                SampleRows(vectors, n, maxTrainingVectors, seed, sample.AsSpan(0, maxTrainingVectors * Dimension));
                TrainNative(sample.AsSpan(0, maxTrainingVectors * Dimension), maxTrainingVectors);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(sample);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>How many vectors to train on when <paramref name="count"/> are available (all for Flat and HNSW, which ignore them).</summary>
    /// <param name="count">The number of vectors available for training.</param>
    public long RecommendedTrainingCount(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var spec = Spec ?? _pendingSpec;
        return spec is null ? Math.Min(count, 100_000) : spec.RecommendedTrainingCount(count, Dimension);
    }

    private static void SampleRows(ReadOnlySpan<float> vectors, int n, int sampleCount, int seed, Span<float> destination)
    {
        var dimension = vectors.Length / n;
        var order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }
            var random = new Random(seed);
            for (var i = 0; i < sampleCount; i++)
            {
                var j = random.Next(i, n);
                (order[i], order[j]) = (order[j], order[i]);
            }
            for (var i = 0; i < sampleCount; i++)
            {
                vectors.Slice(order[i] * dimension, dimension).CopyTo(destination.Slice(i * dimension, dimension));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private unsafe void TrainNative(ReadOnlySpan<float> vectors, int n)
    {
        using var threads = new OpenMpThreadScope(Threads);
        fixed (float* x = vectors)
        {
            FaissNative.Check(FaissNative.IndexTrain(_handle!.DangerousGetHandle(), n, x), $"train the index on {n} vectors");
        }
    }
}
