// Search with per-call parameters and id filters. FAISS 1.7.3's IndexIDMap and IndexRefine refuse SearchParameters and
// its IndexHNSW ignores both a per-call efSearch (for the queue size) and an IDSelector, so the wrappers are walked and
// the HNSW search is done here over the index's public graph. Flat, SQ, PQ and IVF take the selector natively.
#include "vis_search.h"
#include "vis_search_hnsw.h"

#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/FaissAssert.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace vis {
namespace {

// A selector over an IndexIDMap's inner (sequential) ids that asks the caller's selector about the external ids.
struct Translated final : faiss::IDSelector {
  Translated(const faiss::IDSelector* outer, const std::vector<idx_t>& map) : outer(outer), map(map) {}
  bool is_member(idx_t inner) const override {
    return inner >= 0 && static_cast<size_t>(inner) < map.size() && outer->is_member(map[static_cast<size_t>(inner)]);
  }
  const faiss::IDSelector* outer;
  const std::vector<idx_t>& map;
};

struct Walk {
  int nprobe;
  int ef_search;
  const faiss::IDSelector* sel;
};

void search_with(const faiss::Index* index, idx_t n, const float* x, idx_t k, const Walk& walk, float* distances,
                 idx_t* labels);

// Writes the best `found` (distance, label) pairs of one query, closest first, padding with -1.
template <typename Pairs>
void write_row(Pairs& found, bool larger_is_closer, idx_t k, float* distances, idx_t* labels) {
  const size_t keep = std::min<size_t>(static_cast<size_t>(k), found.size());
  auto closer = [larger_is_closer](const auto& a, const auto& b) {
    if (a.first != b.first) return larger_is_closer ? a.first > b.first : a.first < b.first;
    return a.second < b.second;
  };
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(), closer);
  const float missing = larger_is_closer ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max();
  for (idx_t j = 0; j < k; j++) {
    const bool have = static_cast<size_t>(j) < keep;
    distances[j] = have ? found[static_cast<size_t>(j)].first : missing;
    labels[j] = have ? found[static_cast<size_t>(j)].second : -1;
  }
}

// IndexRefine::search refuses SearchParameters in 1.7.3, so do its work here: ask the base index for k * k_factor
// candidates with the per-call parameters, then re-rank them with exact distances from the refine index.
void search_refine(const faiss::IndexRefine* refine, idx_t n, const float* x, idx_t k, const Walk& walk,
                   float* distances, idx_t* labels) {
  const idx_t k_base = std::max<idx_t>(k, static_cast<idx_t>(static_cast<double>(k) * refine->k_factor));
  std::vector<float> base_distances(static_cast<size_t>(n * k_base));
  std::vector<idx_t> base_labels(static_cast<size_t>(n * k_base));
  search_with(refine->base_index, n, x, k_base, walk, base_distances.data(), base_labels.data());
  const bool larger_is_closer = refine->metric_type == faiss::METRIC_INNER_PRODUCT;
  const int d = refine->d;
#pragma omp parallel if (n > 1)
  {
    std::unique_ptr<faiss::DistanceComputer> computer(refine->refine_index->get_distance_computer());
    std::vector<std::pair<float, idx_t>> candidates;
    candidates.reserve(static_cast<size_t>(k_base));
#pragma omp for
    for (idx_t q = 0; q < n; q++) {
      computer->set_query(x + q * d);
      candidates.clear();
      const idx_t* row = base_labels.data() + q * k_base;
      for (idx_t j = 0; j < k_base; j++) {
        if (row[j] >= 0 && row[j] < refine->ntotal) candidates.emplace_back((*computer)(row[j]), row[j]);
      }
      write_row(candidates, larger_is_closer, k, distances + q * k, labels + q * k);
    }
  }
}

// A filtered scan of a flat-codes index with its own distance computer.
void scan_codes(const faiss::IndexFlatCodes* index, idx_t n, const float* x, idx_t k, const faiss::IDSelector& sel,
                float* distances, idx_t* labels) {
  const bool larger_is_closer = index->metric_type == faiss::METRIC_INNER_PRODUCT;
  const int d = index->d;
#pragma omp parallel if (n > 1)
  {
    std::unique_ptr<faiss::DistanceComputer> computer(index->get_distance_computer());
    std::vector<std::pair<float, idx_t>> found;
#pragma omp for
    for (idx_t q = 0; q < n; q++) {
      computer->set_query(x + q * d);
      found.clear();
      for (idx_t i = 0; i < index->ntotal; i++) {
        if (sel.is_member(i)) found.emplace_back((*computer)(i), i);
      }
      write_row(found, larger_is_closer, k, distances + q * k, labels + q * k);
    }
  }
}

void search_with(const faiss::Index* index, idx_t n, const float* x, idx_t k, const Walk& walk, float* distances,
                 idx_t* labels) {
  // IndexIDMap (and IndexIDMap2, which derives from it) refuses SearchParameters in 1.7.3: search the inner index
  // (with the filter translated to its sequential ids) and translate the ids it returns.
  if (auto* idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) {
    Translated translated(walk.sel, idmap->id_map);
    Walk inner = walk;
    if (walk.sel != nullptr) inner.sel = &translated;
    search_with(idmap->index, n, x, k, inner, distances, labels);
    const idx_t count = static_cast<idx_t>(idmap->id_map.size());
    for (idx_t i = 0; i < n * k; i++) {
      const idx_t id = labels[i];
      labels[i] = id >= 0 && id < count ? idmap->id_map[static_cast<size_t>(id)] : -1;
    }
    return;
  }
  if (auto* pre = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
    const float* transformed = pre->apply_chain(n, x);
    std::unique_ptr<const float[]> owned(transformed == x ? nullptr : transformed);
    search_with(pre->index, n, transformed, k, walk, distances, labels);
    return;
  }
  if (auto* refine = dynamic_cast<const faiss::IndexRefine*>(index)) {
    search_refine(refine, n, x, k, walk, distances, labels);
    return;
  }
  if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
    faiss::SearchParametersIVF params;
    const size_t nprobe = walk.nprobe > 0 ? static_cast<size_t>(walk.nprobe) : ivf->nprobe;
    params.nprobe = std::max<size_t>(1, std::min(nprobe, ivf->nlist));
    params.max_codes = ivf->max_codes;
    params.sel = const_cast<faiss::IDSelector*>(walk.sel);
    ivf->search(n, x, k, distances, labels, &params);
    return;
  }
  if (auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(index)) {
    if (hnsw->hnsw.upper_beam == 1 && hnsw->storage != nullptr) {
      search_hnsw(hnsw, n, x, k, walk.ef_search > 0 ? walk.ef_search : hnsw->hnsw.efSearch, walk.sel, distances, labels);
    } else if (walk.sel == nullptr) {
      hnsw->search(n, x, k, distances, labels);  // unusual HNSW variants: the index's own efSearch
    } else {
      throw std::invalid_argument("filtered search is not supported on an HNSW index with upper_beam != 1");
    }
    return;
  }
  if (walk.sel == nullptr) {
    index->search(n, x, k, distances, labels);
    return;
  }
  if (dynamic_cast<const faiss::IndexPQ*>(index) != nullptr) {
    scan_codes(static_cast<const faiss::IndexFlatCodes*>(index), n, x, k, *walk.sel, distances, labels);
    return;  // IndexPQ refuses a selector in 1.7.3: scan its codes here, skipping what the filter does not allow
  }
  faiss::SearchParameters params;
  params.sel = const_cast<faiss::IDSelector*>(walk.sel);
  index->search(n, x, k, distances, labels, &params);  // Flat, SQ: FAISS filters while it scans
}

// The index that gives exact (or the kind's stored) distances by sequential id, under an optional IndexIDMap2, or null
// where there is none (IVF: its lists are scanned in full instead; PreTransform, plain IndexIDMap).
const faiss::Index* distance_source(const faiss::Index* inner) {
  if (auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(inner)) return hnsw->storage;
  if (auto* refine = dynamic_cast<const faiss::IndexRefine*>(inner)) return refine->refine_index;
  if (dynamic_cast<const faiss::IndexFlatCodes*>(inner) != nullptr) return inner;
  return nullptr;
}

// Compares the query with the allowed vectors only. Returns false where the index has no distance source for it.
bool search_allowed(const faiss::Index* index, idx_t n, const float* x, idx_t k, const Selector& filter,
                    float* distances, idx_t* labels) {
  const faiss::IndexIDMap2* map2 = dynamic_cast<const faiss::IndexIDMap2*>(index);
  if (map2 == nullptr && dynamic_cast<const faiss::IndexIDMap*>(index) != nullptr) return false;
  const faiss::Index* inner = map2 != nullptr ? map2->index : index;
  const faiss::Index* source = distance_source(inner);
  if (source == nullptr) return false;
  std::vector<std::pair<idx_t, idx_t>> members;  // (sequential id, returned id)
  members.reserve(filter.count());
  filter.for_each([&](idx_t id) {
    if (map2 != nullptr) {
      auto it = map2->rev_map.find(id);
      if (it != map2->rev_map.end() && it->second >= 0 && it->second < source->ntotal) members.emplace_back(it->second, id);
    } else if (id >= 0 && id < source->ntotal) {
      members.emplace_back(id, id);
    }
  });
  const bool larger_is_closer = index->metric_type == faiss::METRIC_INNER_PRODUCT;
  const int d = index->d;
#pragma omp parallel if (n > 1)
  {
    std::unique_ptr<faiss::DistanceComputer> computer(source->get_distance_computer());
    std::vector<std::pair<float, idx_t>> found;
    found.reserve(members.size());
#pragma omp for
    for (idx_t q = 0; q < n; q++) {
      computer->set_query(x + q * d);
      found.clear();
      for (const auto& [sequential, id] : members) found.emplace_back((*computer)(sequential), id);
      write_row(found, larger_is_closer, k, distances + q * k, labels + q * k);
    }
  }
  return true;
}

}  // namespace

void search(const faiss::Index* index, idx_t n, const float* x, idx_t k, const SearchOptions& options,
            float* distances, idx_t* labels) {
  Walk walk{options.nprobe, options.ef_search, options.filter};
  if (options.filter != nullptr && options.exact_fraction > 0 &&
      static_cast<double>(options.filter->count()) <= options.exact_fraction * static_cast<double>(index->ntotal)) {
    if (search_allowed(index, n, x, k, *options.filter, distances, labels)) return;
    walk.nprobe = std::numeric_limits<int>::max();  // IVF: scan every list, filtering as it goes (exact for IVF-Flat)
  }
  search_with(index, n, x, k, walk, distances, labels);
}

}  // namespace vis
