namespace VectorImageSearch.Faiss;

/// <summary>
/// Configures the FAISS folder store that <c>UseFaiss</c> registers, or the collections of a <see cref="FaissVectorStore"/>:
/// which FAISS index it builds and the folder it is kept in.
/// </summary>
public sealed class FaissImageStoreOptions
{
    /// <summary>
    /// The vector index: "Auto" (exact Flat up to 50,000 images, then IVF, chosen again after every indexing run) or a
    /// FAISS factory string such as "IVF1024,Flat", "IVF1024,PQ32" or "HNSW32". Until an IVF or PQ index has enough
    /// vectors to be trained, the store searches exactly with a Flat index.
    /// </summary>
    public string IndexSpec { get; set; } = "Auto";

    /// <summary>
    /// With <see cref="IndexSpec"/> "Auto": choose the index under this memory budget and target recall instead of by size,
    /// again whenever the collection has doubled or halved; the choice, its tuned nprobe or efSearch and the measured recall
    /// go into the manifest and the log. <see langword="null"/> (the default) keeps the size rule.
    /// </summary>
    public IndexBudget? IndexBudget { get; set; }

    /// <summary>
    /// The index folder: loaded on first use when it holds a saved index, written atomically by <c>IImageSearch.SaveAsync()</c>.
    /// <see langword="null"/> keeps the store in memory (<c>IImageSearch.SaveAsync(folder)</c> still saves it). For a
    /// <see cref="FaissVectorStore"/>, the folder that holds one index folder per collection, written after each write.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Whether loading compares every file with its SHA-256 in the manifest (reads the whole index once).</summary>
    public bool VerifyChecksumsOnLoad { get; set; } = true;

    /// <summary>
    /// Whether a saved index is memory-mapped instead of read into memory: an IVF index's inverted lists (its vectors or
    /// codes) stay in the file and the operating system pages them in as searches touch them (measured: a 1M × 512
    /// IVF256,Flat index opens in under 0.1 s with 37 MiB resident instead of 15 s and 2 GiB). Other kinds (Flat, HNSW,
    /// their quantisers) are read as usual and stay writable (the store logs that). A mapped store is read-only: adding, removing, reorganising or saving fails
    /// with an <see cref="InvalidOperationException"/> saying so. The files must not change while it is open. Pair it with
    /// <see cref="VerifyChecksumsOnLoad"/> <see langword="false"/> to avoid reading the whole file once at open.
    /// </summary>
    public bool MemoryMapOnLoad { get; set; }

    /// <summary>
    /// The OpenMP threads FAISS uses for one search, training or adding; 0 (the default) keeps FAISS's own, one per core.
    /// A server that answers many queries at once, or that runs a model on the same cores, does best with 1 or 2. The
    /// setting applies per call on the calling thread, so stores with different settings do not disturb each other.
    /// </summary>
    public int Threads { get; set; }

    /// <summary>A copy of every setting, so later changes to this instance do not reach a store already given it.</summary>
    internal FaissImageStoreOptions Copy() => (FaissImageStoreOptions)MemberwiseClone();
}
