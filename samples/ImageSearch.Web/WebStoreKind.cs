namespace VectorImageSearch.Samples.Web;

/// <summary>The vector stores the web sample can run on.</summary>
public enum WebStoreKind
{
    /// <summary>An in-process FAISS index saved as a folder (ImageSearch:IndexPath).</summary>
    Faiss = 0,
}
