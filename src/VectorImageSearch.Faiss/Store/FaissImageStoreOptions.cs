namespace VectorImageSearch.Faiss;

/// <summary>Configures a <see cref="FaissImageStore"/>: which FAISS index it builds and the folder it is kept in.</summary>
public sealed class FaissImageStoreOptions
{
    /// <summary>
    /// The vector index: "Auto" (exact Flat up to 50,000 images, then IVF, chosen again after every indexing run) or a
    /// FAISS factory string such as "IVF1024,Flat", "IVF1024,PQ32" or "HNSW32". Until an IVF or PQ index has enough
    /// vectors to be trained, the store searches exactly with a Flat index.
    /// </summary>
    public string IndexSpec { get; set; } = "Auto";

    /// <summary>
    /// With <see cref="IndexSpec"/> "Auto": choose the index under this memory budget and target recall instead of by size
    /// (<see cref="IndexChooser"/>), again whenever the collection has doubled or halved; the choice, its tuned nprobe or
    /// efSearch and the measured recall go into the manifest and the log. <see langword="null"/> (the default) keeps the size rule.
    /// </summary>
    public IndexBudget? IndexBudget { get; set; }

    /// <summary>
    /// The index folder: loaded by <see cref="FaissImageStore.OpenAsync"/> when it holds a saved index, written by
    /// <see cref="FaissImageStore.FlushAsync"/>. <see langword="null"/> keeps the store in memory (save it with
    /// <see cref="FaissImageStore.SaveAsync"/>).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Whether loading compares every file with its SHA-256 in the manifest (reads the whole index once).</summary>
    public bool VerifyChecksumsOnLoad { get; set; } = true;
}
