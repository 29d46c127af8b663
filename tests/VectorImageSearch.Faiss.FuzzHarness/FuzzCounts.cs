using System.Globalization;
using VectorImageSearch.Faiss;

namespace VectorImageSearch.Faiss.FuzzHarness;

/// <summary>Loads and searches one mutant at a time and counts what happened.</summary>
internal sealed class FuzzCounts
{
    public int Mutations { get; private set; }

    public int Refused { get; private set; }

    public int Loaded { get; private set; }

    public int SearchRefused { get; private set; }

    public int OtherExceptions { get; private set; }

    public void Attempt(byte[] bytes, string work, float[] query, FaissIdSelector filter, bool fromFile, bool memoryMap, string kind)
    {
        Mutations++;
        var path = Path.Combine(work, "current.faiss");
        File.WriteAllBytes(path, bytes); // the reproducer, should this attempt crash the process
        FaissIndex index;
        try
        {
            index = fromFile ? FaissIndex.Load(path, memoryMap) : FaissIndex.FromBytes(bytes);
        }
        catch (FaissException)
        {
            Refused++;
            return;
        }
        catch (Exception e)
        {
            OtherExceptions++;
            Console.Error.WriteLine($"{kind}: load threw {e.GetType().Name}: {e.Message}");
            return;
        }
        using (index)
        {
            Loaded++;
            try
            {
                if (index.Dimension == query.Length)
                {
                    _ = index.Search(query, 10);
                    _ = index.Search(query, 10, new VectorSearchOptions { Filter = filter, NProbe = index.IsIvf ? 4 : null, EfSearch = index.IsHnsw ? 16 : null });
                    _ = index.Search(query, 3, new VectorSearchOptions { Filter = filter, ExactFilterFraction = 0 });
                }
            }
            catch (FaissException e)
            {
                SearchRefused++;
                if (Environment.GetEnvironmentVariable("FUZZ_VERBOSE") == "1")
                {
                    Console.Error.WriteLine($"{kind}: search refused: {e.Message}");
                }
            }
            catch (Exception e)
            {
                OtherExceptions++;
                Console.Error.WriteLine($"{kind}: search threw {e.GetType().Name}: {e.Message}");
            }
        }
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"mutations={Mutations} refused={Refused} loaded={Loaded} searchRefused={SearchRefused} otherExceptions={OtherExceptions} peakRssMiB={PeakRssMiB()}");

    private static long PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return -1;
    }
}
