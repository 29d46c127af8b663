namespace VectorImageSearch;

/// <summary>The store choice of <see cref="ImageSearchOptions"/>.</summary>
public sealed partial class ImageSearchOptions
{
    /// <summary>The store kind built in: FAISS in this process, in the folder <see cref="IndexPath"/>.</summary>
    public const string FaissStore = "Faiss";

    /// <summary>
    /// Which store keeps the image records when none is registered in code (<c>UseFaiss</c>, <c>UseStore</c>): "Faiss"
    /// (the default: <see cref="Index"/> in <see cref="IndexPath"/>) or a kind a store package registered, such as
    /// "Postgres" (<c>services.AddPostgresStoreKind()</c>). From configuration
    /// (<c>"ImageSearch": { "Store": "Postgres", "Postgres": { … } }</c>) that kind's settings are the section named after it.
    /// </summary>
    public string Store { get; set; } = FaissStore;
}
