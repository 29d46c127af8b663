using VectorImageSearch.Samples.Web.Services;

namespace VectorImageSearch.Samples.Web.Api;

/// <summary>What the search runs on, for the page's header.</summary>
/// <param name="Count">Images in the index.</param>
/// <param name="Model">The model folder's name.</param>
/// <param name="ModelFingerprint">The image encoder's fingerprint.</param>
/// <param name="Dimension">The embedding dimension.</param>
/// <param name="Store">The vector store ("faiss" or "postgres": ImageSearch:Store).</param>
/// <param name="Index">The store's index as built (a FAISS factory string such as "Flat").</param>
/// <param name="ImageFolder">The image folder's name.</param>
/// <param name="TextSearch">Whether the model can search by text.</param>
/// <param name="MaxResults">The largest k accepted.</param>
/// <param name="MaxUploadBytes">The largest upload accepted.</param>
/// <param name="Indexing">The indexing of the image folder.</param>
public sealed record StatusResponse(
    long Count,
    string Model,
    string ModelFingerprint,
    int Dimension,
    string Store,
    string Index,
    string ImageFolder,
    bool TextSearch,
    int MaxResults,
    long MaxUploadBytes,
    IndexingStatus Indexing);
