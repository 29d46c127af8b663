namespace VectorImageSearch.Faiss.DependencyInjection;

/// <summary>Options for the FAISS indexes that <see cref="FaissIndexFactory"/> creates and loads.</summary>
internal sealed class FaissIndexOptions
{
    /// <summary>OpenMP threads per FAISS call (<see cref="FaissIndex.Threads"/>); 0 keeps FAISS's default of one per core.</summary>
    public int Threads { get; set; }

    /// <summary>Memory-map IVF inverted lists when loading (read-only indexes; see <see cref="FaissIndex.Load"/>).</summary>
    public bool MemoryMapOnLoad { get; set; }
}
