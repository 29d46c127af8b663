// Checks of a loaded FAISS 1.7.3 index that a search trusts (see vis_validate.h): HNSW graph structure, IVF direct
// maps, IDMap sizes, walked through the wrappers.
#include "vis_validate.h"

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/invlists/InvertedLists.h>

namespace vis {
namespace {

constexpr int kMaxDepth = 8;

[[noreturn]] void loaded_fault(const std::string& field, const std::string& what) {
  throw CorruptIndex("corrupt index: field '" + field + "' " + what);
}

void validate_hnsw(const faiss::IndexHNSW* index, const std::string& path) {
  const faiss::HNSW& g = index->hnsw;
  const size_t n = static_cast<size_t>(index->ntotal);
  const auto& cum = g.cum_nneighbor_per_level;
  if (g.levels.size() != n) loaded_fault(path + ".hnsw.levels", "holds " + std::to_string(g.levels.size()) + " levels for ntotal=" + std::to_string(n));
  if (g.offsets.size() != n + 1) loaded_fault(path + ".hnsw.offsets", "holds " + std::to_string(g.offsets.size()) + " offsets; ntotal+1 needed");
  if (cum.empty() || cum[0] != 0) loaded_fault(path + ".hnsw.cum_nneighbor_per_level", "does not start at 0");
  for (size_t l = 1; l < cum.size(); l++) {
    if (cum[l] < cum[l - 1]) loaded_fault(path + ".hnsw.cum_nneighbor_per_level[" + std::to_string(l) + "]", "decreases");
  }
  if (g.offsets[0] != 0) loaded_fault(path + ".hnsw.offsets[0]", "is not 0");
  for (size_t i = 0; i < n; i++) {
    const int level = g.levels[i];  // the node's top layer + 1
    if (level < 1 || static_cast<size_t>(level) >= cum.size()) {
      loaded_fault(path + ".hnsw.levels[" + std::to_string(i) + "]", "is " + std::to_string(level) + ", outside 1.." + std::to_string(cum.size() - 1));
    }
    if (g.offsets[i + 1] < g.offsets[i] || g.offsets[i + 1] - g.offsets[i] != static_cast<size_t>(cum[static_cast<size_t>(level)])) {
      loaded_fault(path + ".hnsw.offsets[" + std::to_string(i + 1) + "]", "does not leave room for exactly the node's neighbours");
    }
  }
  if (g.offsets[n] != g.neighbors.size()) loaded_fault(path + ".hnsw.neighbors", "holds " + std::to_string(g.neighbors.size()) + " links; the offsets need " + std::to_string(g.offsets[n]));
  for (size_t j = 0; j < g.neighbors.size(); j++) {
    if (g.neighbors[j] < -1 || g.neighbors[j] >= static_cast<int64_t>(n)) {
      loaded_fault(path + ".hnsw.neighbors[" + std::to_string(j) + "]", "is " + std::to_string(g.neighbors[j]) + ", not a node (ntotal=" + std::to_string(n) + ")");
    }
  }
  if (n == 0) {
    if (g.entry_point != -1 && g.entry_point != 0) loaded_fault(path + ".hnsw.entry_point", "is set in an empty graph");
  } else {
    if (g.entry_point < 0 || static_cast<size_t>(g.entry_point) >= n) loaded_fault(path + ".hnsw.entry_point", "is " + std::to_string(g.entry_point) + ", not a node");
    if (g.max_level != g.levels[static_cast<size_t>(g.entry_point)] - 1) loaded_fault(path + ".hnsw.max_level", "is " + std::to_string(g.max_level) + ", not the entry point's level");
  }
  if (g.efSearch < 1 || g.efConstruction < 1 || g.upper_beam < 1) {
    loaded_fault(path + ".hnsw.efSearch/efConstruction/upper_beam", "must be positive");
  }
  if (index->storage == nullptr) loaded_fault(path + ".storage", "is missing");
}

void validate_ivf(const faiss::IndexIVF* ivf, const std::string& path) {
  if (ivf->invlists == nullptr) loaded_fault(path + ".invlists", "are missing");
  const faiss::DirectMap& dm = ivf->direct_map;
  auto check_entry = [&](int64_t entry, const std::string& field) {
    if (entry < 0) return;  // removed
    const uint64_t list = faiss::lo_listno(entry), offset = faiss::lo_offset(entry);
    if (list >= ivf->nlist || offset >= ivf->invlists->list_size(list)) loaded_fault(field, "points outside the inverted lists");
  };
  if (dm.type == faiss::DirectMap::Array) {
    if (dm.array.size() != static_cast<size_t>(ivf->ntotal)) loaded_fault(path + ".direct_map.array", "does not hold ntotal entries");
    for (size_t i = 0; i < dm.array.size(); i++) check_entry(dm.array[i], path + ".direct_map.array[" + std::to_string(i) + "]");
  } else if (dm.type == faiss::DirectMap::Hashtable) {
    for (const auto& [id, entry] : dm.hashtable) check_entry(entry, path + ".direct_map.hashtable[" + std::to_string(id) + "]");
  }
}

void validate_loaded_at(const faiss::Index* index, const std::string& path, int depth) {
  if (index == nullptr || depth > kMaxDepth) loaded_fault(path, "is missing");
  if (auto* idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) {
    if (idmap->id_map.size() != static_cast<size_t>(idmap->index->ntotal)) loaded_fault(path + ".id_map", "does not hold one id per vector");
    validate_loaded_at(idmap->index, path + ".index", depth + 1);
  } else if (auto* pre = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
    validate_loaded_at(pre->index, path + ".index", depth + 1);
  } else if (auto* refine = dynamic_cast<const faiss::IndexRefine*>(index)) {
    validate_loaded_at(refine->base_index, path + ".base_index", depth + 1);
    validate_loaded_at(refine->refine_index, path + ".refine_index", depth + 1);
  } else if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
    validate_ivf(ivf, path);
    validate_loaded_at(ivf->quantizer, path + ".quantizer", depth + 1);
  } else if (auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(index)) {
    validate_hnsw(hnsw, path);
    validate_loaded_at(hnsw->storage, path + ".storage", depth + 1);
  }
}

}  // namespace

void validate_loaded(const faiss::Index* index) { validate_loaded_at(index, "index", 0); }

}  // namespace vis
