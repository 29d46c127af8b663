// Finding the IVF, HNSW and refine parts of an index under its wrappers (IDMap, PreTransform, Refine).
#pragma once

#include <faiss/Index.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>

namespace vis {

inline faiss::IndexIVF* find_ivf(faiss::Index* index) {
  if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return find_ivf(idmap->index);
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) return find_ivf(pre->index);
  if (auto* refine = dynamic_cast<faiss::IndexRefine*>(index)) return find_ivf(refine->base_index);
  return dynamic_cast<faiss::IndexIVF*>(index);
}

inline faiss::IndexHNSW* find_hnsw(faiss::Index* index) {
  if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return find_hnsw(idmap->index);
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) return find_hnsw(pre->index);
  if (auto* refine = dynamic_cast<faiss::IndexRefine*>(index)) return find_hnsw(refine->base_index);
  return dynamic_cast<faiss::IndexHNSW*>(index);
}

inline faiss::IndexRefine* find_refine(faiss::Index* index) {
  if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return find_refine(idmap->index);
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) return find_refine(pre->index);
  return dynamic_cast<faiss::IndexRefine*>(index);
}

}  // namespace vis
