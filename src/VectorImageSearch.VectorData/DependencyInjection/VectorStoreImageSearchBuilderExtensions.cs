using Microsoft.Extensions.VectorData;
using VectorImageSearch.VectorData.Adapter;

namespace VectorImageSearch;

/// <summary>Keeps an image search collection in any Microsoft.Extensions.VectorData vector store.</summary>
public static class VectorStoreImageSearchBuilderExtensions
{
    /// <summary>
    /// Keeps the collection's image records in the collection <paramref name="collectionName"/> of
    /// <paramref name="vectorStore"/> (Qdrant, Azure AI Search, PostgreSQL, Redis, this library's <c>FaissVectorStore</c>…):
    /// <c>services.AddImageSearch().AddClip("models/clip").UseVectorStore(sp => sp.GetRequiredService&lt;VectorStore&gt;(), "images")</c>.
    /// Indexing, incremental re-indexing and searches run as with the built-in stores; each record holds the image's key,
    /// content hash, size, modification time, metadata (as JSON) and model fingerprint as data properties, under a Guid key
    /// derived from the image's key. The vector store belongs to the caller; it is not disposed.
    /// </summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="vectorStore">Resolves the vector store (typically from the container).</param>
    /// <param name="collectionName">The collection to use; created on first use with the model's dimension.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder UseVectorStore(this IImageSearchBuilder builder, Func<IServiceProvider, VectorStore> vectorStore, string collectionName = "images")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(vectorStore);
        ArgumentException.ThrowIfNullOrWhiteSpace(collectionName);
        return builder.UseStore(provider => new VectorStoreImageRecordStore(
            vectorStore(provider) ?? throw new InvalidOperationException("The vector store factory returned null."), collectionName));
    }

    /// <summary>Keeps the collection's image records in the collection <paramref name="collectionName"/> of <paramref name="vectorStore"/>.</summary>
    /// <param name="builder">The collection's builder.</param>
    /// <param name="vectorStore">The vector store; it belongs to the caller and is not disposed.</param>
    /// <param name="collectionName">The collection to use; created on first use with the model's dimension.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IImageSearchBuilder UseVectorStore(this IImageSearchBuilder builder, VectorStore vectorStore, string collectionName = "images")
    {
        ArgumentNullException.ThrowIfNull(vectorStore);
        return builder.UseVectorStore(_ => vectorStore, collectionName);
    }
}
