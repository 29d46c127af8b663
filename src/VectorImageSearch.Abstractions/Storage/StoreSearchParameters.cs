namespace VectorImageSearch;

/// <summary>
/// The base of a store engine's own search parameters (for example the FAISS package's probes and HNSW search depth, or
/// pgvector's): each store package derives its typed parameters from it, and a store refuses another engine's.
/// </summary>
public abstract record StoreSearchParameters;
