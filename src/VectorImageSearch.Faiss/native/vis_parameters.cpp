// Settings stored in the index: default search parameters, HNSW efConstruction, and the IVF direct map that
// reconstruction by id needs.
#include <faiss/Index.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/invlists/DirectMap.h>

#include "vis_guarded.h"
#include "vis_index_parts.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

using vis::find_hnsw;
using vis::find_ivf;
using vis::find_refine;
using vis::guarded;

// Default search parameters stored in the index: IVF nprobe, HNSW efSearch and the IndexRefine k_factor (<= 0 leaves
// one unchanged). The C API can set k_factor only on IndexRefineFlat, which 1.7.3's factory ("RFlat") does not create.
VIS_EXPORT int vis_faiss_set_defaults(faiss::Index* index, int nprobe, int ef_search, float refine_factor, char* err,
                                      size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr) throw std::invalid_argument("vis_faiss_set_defaults: invalid argument");
    if (nprobe > 0) {
      if (faiss::IndexIVF* ivf = find_ivf(index)) ivf->nprobe = std::min<size_t>(static_cast<size_t>(nprobe), ivf->nlist);
    }
    if (ef_search > 0) {
      if (faiss::IndexHNSW* hnsw = find_hnsw(index)) hnsw->hnsw.efSearch = ef_search;
    }
    if (refine_factor > 0) {
      if (faiss::IndexRefine* refine = find_refine(index)) refine->k_factor = refine_factor;
    }
  });
}

// Reads the defaults back (0 where the index has no IVF / HNSW / refine part).
VIS_EXPORT int vis_faiss_get_defaults(faiss::Index* index, int* nprobe, int* ef_search, float* refine_factor, char* err,
                                      size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || nprobe == nullptr || ef_search == nullptr || refine_factor == nullptr) {
      throw std::invalid_argument("vis_faiss_get_defaults: invalid argument");
    }
    faiss::IndexIVF* ivf = find_ivf(index);
    faiss::IndexHNSW* hnsw = find_hnsw(index);
    *nprobe = ivf != nullptr ? static_cast<int>(ivf->nprobe) : 0;
    *ef_search = hnsw != nullptr ? hnsw->hnsw.efSearch : 0;
    faiss::IndexRefine* refine = find_refine(index);
    *refine_factor = refine != nullptr ? refine->k_factor : 0.0f;
  });
}

// HNSW build parameter: efConstruction for the vectors added next.
VIS_EXPORT int vis_faiss_set_ef_construction(faiss::Index* index, int ef_construction, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || ef_construction <= 0) {
      throw std::invalid_argument("vis_faiss_set_ef_construction: invalid argument");
    }
    if (faiss::IndexHNSW* hnsw = find_hnsw(index)) hnsw->hnsw.efConstruction = ef_construction;
  });
}

// Makes an IVF index able to reconstruct and remove by arbitrary id (a hashtable direct map), once.
VIS_EXPORT int vis_faiss_enable_reconstruct(faiss::Index* index, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr) throw std::invalid_argument("vis_faiss_enable_reconstruct: invalid argument");
    faiss::IndexIVF* ivf = find_ivf(index);
    if (ivf != nullptr && ivf->direct_map.type == faiss::DirectMap::NoMap) {
      ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
    }
  });
}

// Reports whether reconstruction needs vis_faiss_enable_reconstruct first (1) or not (0): an IVF index reached
// through id maps and transforms reconstructs through its direct map; under IndexRefine the refine index answers.
VIS_EXPORT int vis_faiss_needs_direct_map(faiss::Index* index, int* needs, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || needs == nullptr) throw std::invalid_argument("vis_faiss_needs_direct_map: invalid argument");
    faiss::Index* current = index;
    for (;;) {
      if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(current)) {
        current = idmap->index;
      } else if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(current)) {
        current = pre->index;
      } else {
        break;
      }
    }
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(current);
    *needs = ivf != nullptr && ivf->direct_map.type == faiss::DirectMap::NoMap ? 1 : 0;
  });
}
