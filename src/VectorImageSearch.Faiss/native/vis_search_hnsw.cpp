// The classic HNSW search (greedy descent, then a beam on layer 0) with a per-call efSearch and an id filter, done
// here because FAISS 1.7.3's IndexHNSW::search sizes its queue from the shared hnsw.efSearch and ignores a selector.
#include "vis_search_hnsw.h"

#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace vis {
namespace {

using Scored = std::pair<float, int>;

// Per-thread scratch memory of the HNSW search, kept between calls: the visited table (one byte per node, cleared only
// every 249 searches by VisitedTable::advance) and the heaps. Allocating and zeroing them per call cost a large share
// of a single 100k-node query. A thread keeps the table of the largest graph it searched until it exits.
struct HnswScratch {
  faiss::VisitedTable visited{0};
  std::vector<Scored> candidates, best;
};

HnswScratch& hnsw_scratch(size_t ntotal) {
  thread_local HnswScratch scratch;
  if (scratch.visited.visited.size() < ntotal) {
    scratch.visited.visited.assign(ntotal, 0);
    scratch.visited.visno = 1;
  }
  return scratch;
}

// One HNSW query: greedy descent through the upper layers, then a beam on layer 0. Distances are negated for inner
// products so that smaller is closer inside the search. With a filter every node is walked through, but only allowed
// nodes enter the result set, and the beam stops only when ef allowed nodes are found and no candidate is closer than
// the worst of them (so a selective filter widens the walk instead of losing results).
void hnsw_query(const faiss::IndexHNSW* index, faiss::DistanceComputer& computer, HnswScratch& scratch, const float* x,
                idx_t k, size_t ef, const faiss::IDSelector* sel, float* distances, idx_t* labels) {
  const faiss::HNSW& graph = index->hnsw;
  const bool larger_is_closer = index->metric_type == faiss::METRIC_INNER_PRODUCT;
  computer.set_query(x);
  auto distance = [&](int id) {
    const float value = computer(id);
    return larger_is_closer ? -value : value;
  };
  int nearest = graph.entry_point;
  float nearest_distance = distance(nearest);
  for (int level = graph.max_level; level >= 1; level--) {
    for (bool improved = true; improved;) {
      improved = false;
      size_t begin = 0, end = 0;
      graph.neighbor_range(nearest, level, &begin, &end);
      for (size_t j = begin; j < end; j++) {
        const int neighbour = graph.neighbors[j];
        if (neighbour < 0) break;
        const float dn = distance(neighbour);
        if (dn < nearest_distance) {
          nearest = neighbour;
          nearest_distance = dn;
          improved = true;
        }
      }
    }
  }
  faiss::VisitedTable& visited = scratch.visited;
  visited.advance();
  std::vector<Scored>& candidates = scratch.candidates;  // min-heap on distance
  std::vector<Scored>& best = scratch.best;              // max-heap on distance, at most ef
  candidates.clear();
  best.clear();
  const auto min_first = std::greater<Scored>();
  candidates.emplace_back(nearest_distance, nearest);
  if (sel == nullptr || sel->is_member(nearest)) best.emplace_back(nearest_distance, nearest);
  visited.set(nearest);
  while (!candidates.empty()) {
    const Scored current = candidates.front();
    if (best.size() >= ef && current.first > best.front().first) break;
    std::pop_heap(candidates.begin(), candidates.end(), min_first);
    candidates.pop_back();
    size_t begin = 0, end = 0;
    graph.neighbor_range(current.second, 0, &begin, &end);
    for (size_t j = begin; j < end; j++) {
      const int neighbour = graph.neighbors[j];
      if (neighbour < 0) break;
      if (visited.get(neighbour)) continue;
      visited.set(neighbour);
      const float dn = distance(neighbour);
      if (best.size() < ef || dn < best.front().first) {
        candidates.emplace_back(dn, neighbour);
        std::push_heap(candidates.begin(), candidates.end(), min_first);
        if (sel == nullptr || sel->is_member(neighbour)) {
          best.emplace_back(dn, neighbour);
          std::push_heap(best.begin(), best.end());
          if (best.size() > ef) {
            std::pop_heap(best.begin(), best.end());
            best.pop_back();
          }
        }
      }
    }
  }
  std::sort(best.begin(), best.end());
  const float missing = larger_is_closer ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max();
  for (idx_t j = 0; j < k; j++) {
    if (static_cast<size_t>(j) < best.size()) {
      const Scored& s = best[static_cast<size_t>(j)];
      distances[j] = larger_is_closer ? -s.first : s.first;
      labels[j] = s.second;
    } else {
      distances[j] = missing;
      labels[j] = -1;
    }
  }
}

}  // namespace

// HNSW search with a per-call efSearch and an optional filter on the graph's ids. FAISS 1.7.3's IndexHNSW::search reads
// SearchParametersHNSW only for its loop bound and sizes the candidate queue from the shared hnsw.efSearch, so the
// classic search is done here over the index's public graph. One query runs on the calling thread without entering
// an OpenMP region.
void search_hnsw(const faiss::IndexHNSW* index, idx_t n, const float* x, idx_t k, int ef_search,
                 const faiss::IDSelector* sel, float* distances, idx_t* labels) {
  if (index->ntotal == 0) {
    const bool larger_is_closer = index->metric_type == faiss::METRIC_INNER_PRODUCT;
    const float missing = larger_is_closer ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max();
    for (idx_t i = 0; i < n * k; i++) {
      distances[i] = missing;
      labels[i] = -1;
    }
    return;
  }
  const size_t ef = static_cast<size_t>(std::max<idx_t>(ef_search, k));
  const int d = index->d;
  const size_t ntotal = static_cast<size_t>(index->ntotal);
  if (n == 1) {
    std::unique_ptr<faiss::DistanceComputer> computer(index->storage->get_distance_computer());
    hnsw_query(index, *computer, hnsw_scratch(ntotal), x, k, ef, sel, distances, labels);
    return;
  }
#pragma omp parallel
  {
    std::unique_ptr<faiss::DistanceComputer> computer(index->storage->get_distance_computer());
    HnswScratch& scratch = hnsw_scratch(ntotal);
#pragma omp for
    for (idx_t q = 0; q < n; q++) {
      hnsw_query(index, *computer, scratch, x + q * d, k, ef, sel, distances + q * k, labels + q * k);
    }
  }
}

}  // namespace vis
