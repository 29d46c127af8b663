// HNSW search with a per-call efSearch and an id filter over the index's public graph (see vis_search_hnsw.cpp).
#pragma once

#include <faiss/IndexHNSW.h>
#include <faiss/impl/IDSelector.h>

namespace vis {

using idx_t = faiss::Index::idx_t;

// FAISS 1.7.3's IndexHNSW ignores a per-call efSearch (for the queue size) and an IDSelector; this search does not.
void search_hnsw(const faiss::IndexHNSW* index, idx_t n, const float* x, idx_t k, int ef_search,
                 const faiss::IDSelector* sel, float* distances, idx_t* labels);

}  // namespace vis
