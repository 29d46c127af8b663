using VectorImageSearch.VectorData;

namespace VectorImageSearch.Faiss;

/// <summary>Configures a <see cref="FaissVectorStore"/>: where its collections are kept and which FAISS index they build.</summary>
public sealed class FaissVectorStoreOptions : ImageRecordVectorStoreOptions
{
    /// <summary>
    /// The folder that holds one index folder per collection (<c>Path/&lt;collection name&gt;</c>, each laid out as
    /// <c>UseFaiss</c> writes its index folder); <see langword="null"/> keeps every collection in memory only.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>The vector index of new collections: "Auto" or a FAISS factory string such as "IVF1024,Flat" or "HNSW32".</summary>
    public string IndexSpec { get; set; } = "Auto";

    /// <summary>Whether loading a collection compares every file with its SHA-256 in the manifest.</summary>
    public bool VerifyChecksumsOnLoad { get; set; } = true;
}
