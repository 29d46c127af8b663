using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using VectorImageSearch;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.FaissFilterMeasurements;

/// <summary>
/// Single-query HNSW latency at n × d: FaissIndex.Search (list result), the span overload, and FAISS's own C++ search
/// loop through its C API on the same loaded index (IDMap2 over HNSW, the index's efSearch).
/// </summary>
internal static partial class Latency
{
    public static void Run(string path, int n, int d, float[] data, float[] queries, int queryCount)
    {
        if (!File.Exists(path))
        {
            using var build = FaissIndex.Create(d, IndexSpec.Hnsw(), VectorMetric.InnerProduct, n);
            build.Threads = 1;
            var clock = Stopwatch.StartNew();
            build.Add(data);
            Console.WriteLine($"built {build.Description} in {clock.Elapsed.TotalSeconds:F0} s");
            build.Save(path);
        }
        using var index = FaissIndex.Load(path);
        index.Threads = 1;
        const int K = 10;
        var distances = new float[K];
        var ids = new long[K];
        var managed = Time(queryCount, q => index.Search(queries.AsSpan(q * d, d), K));
        var spans = Time(queryCount, q => index.Search(queries.AsSpan(q * d, d), K, distances, ids));
        Check(FaissReadIndex(path, 0, out var native));
        try
        {
            omp_set_num_threads(1);
            var own = Time(queryCount, q =>
            {
                unsafe
                {
                    fixed (float* x = queries.AsSpan(q * d, d))
                    fixed (float* dd = distances)
                    fixed (long* ll = ids)
                    {
                        Check(FaissSearch(native, 1, x, K, dd, ll));
                    }
                }
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| HNSW single query, µs (median / p90) | FaissIndex.Search → list: {managed.Median:F0} / {managed.P90:F0} | span overload: {spans.Median:F0} / {spans.P90:F0} | FAISS's own search (C API): {own.Median:F0} / {own.P90:F0} |"));
        }
        finally
        {
            FaissFree(native);
        }
    }

    private static (double Median, double P90) Time(int count, Action<int> search)
    {
        for (var q = 0; q < count; q++)
        {
            search(q); // warm-up
        }
        var samples = new double[count * 3];
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            search(i % count);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[samples.Length * 9 / 10]);
    }

    private static void Check(int code)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"FAISS C API error {code}");
        }
    }

    [LibraryImport("libfaiss_c.so", EntryPoint = "faiss_read_index_fname", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FaissReadIndex(string path, int flags, out IntPtr index);

    [LibraryImport("libfaiss_c.so", EntryPoint = "faiss_Index_search")]
    private static unsafe partial int FaissSearch(IntPtr index, long n, float* x, long k, float* distances, long* labels);

    [LibraryImport("libfaiss_c.so", EntryPoint = "faiss_Index_free")]
    private static partial void FaissFree(IntPtr index);

    [LibraryImport("libgomp.so.1", EntryPoint = "omp_set_num_threads")]
    private static partial void omp_set_num_threads(int threads);
}
