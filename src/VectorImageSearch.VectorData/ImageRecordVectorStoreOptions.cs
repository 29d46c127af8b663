using Microsoft.Extensions.AI;

namespace VectorImageSearch.VectorData;

/// <summary>Configures an <see cref="ImageRecordVectorStore"/> and the collections it hands out.</summary>
public class ImageRecordVectorStoreOptions
{
    /// <summary>
    /// The embedding generator of collections whose definition names none: it turns a string, a <c>DataContent</c> image or
    /// another input into a vector, on upsert (for a vector property of that input type) and on search. A
    /// <see cref="TextImageEmbeddingGenerator"/> serves both text and images of one CLIP model.
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>
    /// Identifies the model whose vectors a collection holds; a collection opened with another one is refused, so vectors of
    /// two models are never mixed. <see langword="null"/> takes it from the collection's generator when that is one of this
    /// library's encoders (an index folder written by <c>AddImageSearch()</c> then opens), and "vectordata" otherwise.
    /// </summary>
    public string? ModelFingerprint { get; set; }

    /// <summary>
    /// Whether every upsert and delete is made durable before it returns (the store's <c>FlushAsync</c>; a database store
    /// has nothing to do, the FAISS folder store writes a new generation of the folder). Turn it off to load many batches
    /// quickly, then call <c>EnsureCollectionExistsAsync</c>, which flushes.
    /// </summary>
    public bool FlushAfterEachWrite { get; set; } = true;
}
