// Extension entry points over FAISS 1.7.3 for VectorImageSearch.Faiss (see CMakeLists.txt): only what the official
// C API lacks. Per-call search parameters (FAISS 1.7.3's IndexIDMap and IndexRefine refuse SearchParameters, so the
// wrappers are walked here), serialisation to and from memory, structural descriptions and capability queries, and
// OpenMP threads.
//
// Every entry point returns 0 on success or a negative code and writes a message to (err, err_len); no C++ exception
// crosses the boundary. The managed side validates arguments before calling (dimensions, counts, k, finite values).
#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexLSH.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/VectorTransform.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#define VIS_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using idx_t = faiss::Index::idx_t;

constexpr int kOk = 0;
constexpr int kFaissError = -1;
constexpr int kOutOfMemory = -2;
constexpr int kUnknownError = -3;
constexpr int kBufferTooSmall = -4;

void write_error(char* err, size_t err_len, const char* message) {
  if (err == nullptr || err_len == 0) return;
  size_t n = std::strlen(message);
  if (n >= err_len) n = err_len - 1;
  std::memcpy(err, message, n);
  err[n] = '\0';
}

// Runs body() and turns every exception into an error code plus message.
template <typename Body>
int guarded(char* err, size_t err_len, Body&& body) {
  try {
    body();
    return kOk;
  } catch (const faiss::FaissException& e) {
    write_error(err, err_len, e.what());
    return kFaissError;
  } catch (const std::bad_alloc&) {
    write_error(err, err_len, "out of memory");
    return kOutOfMemory;
  } catch (const std::exception& e) {
    write_error(err, err_len, e.what());
    return kUnknownError;
  } catch (...) {
    write_error(err, err_len, "unknown native exception");
    return kUnknownError;
  }
}

// Sets this thread's OpenMP team size for the lifetime of the object, then restores it (OpenMP's nthreads-var is per
// thread, so a call on one .NET thread never changes another's).
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : previous_(omp_get_max_threads()), active_(threads > 0) {
    if (active_) omp_set_num_threads(threads);
  }
  ~ThreadScope() {
    if (active_) omp_set_num_threads(previous_);
  }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
  bool active_;
};

struct SearchOptions {
  int nprobe;     // <= 0: the index's own
  int ef_search;  // <= 0: the index's own
};

void search_with(const faiss::Index* index, idx_t n, const float* x, idx_t k, const SearchOptions& options,
                 float* distances, idx_t* labels);

// IndexRefine::search refuses SearchParameters in 1.7.3, so do its work here: ask the base index for k * k_factor
// candidates with the per-call parameters, then re-rank them with exact distances from the refine index.
void search_refine(const faiss::IndexRefine* refine, idx_t n, const float* x, idx_t k, const SearchOptions& options,
                   float* distances, idx_t* labels) {
  const idx_t k_base = std::max<idx_t>(k, static_cast<idx_t>(static_cast<double>(k) * refine->k_factor));
  std::vector<float> base_distances(static_cast<size_t>(n * k_base));
  std::vector<idx_t> base_labels(static_cast<size_t>(n * k_base));
  search_with(refine->base_index, n, x, k_base, options, base_distances.data(), base_labels.data());
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
        if (row[j] >= 0) candidates.emplace_back((*computer)(row[j]), row[j]);
      }
      const size_t keep = std::min<size_t>(static_cast<size_t>(k), candidates.size());
      auto closer = [larger_is_closer](const std::pair<float, idx_t>& a, const std::pair<float, idx_t>& b) {
        if (a.first != b.first) return larger_is_closer ? a.first > b.first : a.first < b.first;
        return a.second < b.second;
      };
      std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(),
                        closer);
      for (idx_t j = 0; j < k; j++) {
        const size_t at = static_cast<size_t>(q * k + j);
        if (static_cast<size_t>(j) < keep) {
          distances[at] = candidates[static_cast<size_t>(j)].first;
          labels[at] = candidates[static_cast<size_t>(j)].second;
        } else {
          distances[at] = larger_is_closer ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max();
          labels[at] = -1;
        }
      }
    }
  }
}

// HNSW search with a per-call efSearch. FAISS 1.7.3's IndexHNSW::search reads SearchParametersHNSW only for its loop
// bound and still sizes the candidate queue from the shared hnsw.efSearch, so the classic HNSW search (greedy descent
// through the upper layers, then a beam of width max(ef, k) on layer 0) is done here over the index's public graph.
void search_hnsw(const faiss::IndexHNSW* index, idx_t n, const float* x, idx_t k, int ef_search, float* distances,
                 idx_t* labels) {
  const faiss::HNSW& graph = index->hnsw;
  const bool larger_is_closer = index->metric_type == faiss::METRIC_INNER_PRODUCT;
  const float missing = larger_is_closer ? -std::numeric_limits<float>::max() : std::numeric_limits<float>::max();
  if (index->ntotal == 0) {
    for (idx_t i = 0; i < n * k; i++) {
      distances[i] = missing;
      labels[i] = -1;
    }
    return;
  }
  const size_t ef = static_cast<size_t>(std::max<idx_t>(ef_search, k));
  const int d = index->d;
  using Scored = std::pair<float, int>;
#pragma omp parallel if (n > 1)
  {
    std::unique_ptr<faiss::DistanceComputer> computer(index->storage->get_distance_computer());
    faiss::VisitedTable visited(static_cast<int>(index->ntotal));
    std::vector<Scored> ordered;
#pragma omp for
    for (idx_t q = 0; q < n; q++) {
      computer->set_query(x + q * d);
      // Smaller is closer inside the search: inner products are negated.
      auto distance = [&](int id) {
        const float value = (*computer)(id);
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
      visited.advance();
      std::priority_queue<Scored, std::vector<Scored>, std::greater<Scored>> candidates;
      std::priority_queue<Scored> best;
      candidates.emplace(nearest_distance, nearest);
      best.emplace(nearest_distance, nearest);
      visited.set(nearest);
      while (!candidates.empty()) {
        const Scored current = candidates.top();
        if (best.size() >= ef && current.first > best.top().first) break;
        candidates.pop();
        size_t begin = 0, end = 0;
        graph.neighbor_range(current.second, 0, &begin, &end);
        for (size_t j = begin; j < end; j++) {
          const int neighbour = graph.neighbors[j];
          if (neighbour < 0) break;
          if (visited.get(neighbour)) continue;
          visited.set(neighbour);
          const float dn = distance(neighbour);
          if (best.size() < ef || dn < best.top().first) {
            candidates.emplace(dn, neighbour);
            best.emplace(dn, neighbour);
            if (best.size() > ef) best.pop();
          }
        }
      }
      ordered.clear();
      while (!best.empty()) {
        ordered.push_back(best.top());
        best.pop();
      }
      std::sort(ordered.begin(), ordered.end());
      for (idx_t j = 0; j < k; j++) {
        const size_t at = static_cast<size_t>(q * k + j);
        if (static_cast<size_t>(j) < ordered.size()) {
          const Scored& s = ordered[static_cast<size_t>(j)];
          distances[at] = larger_is_closer ? -s.first : s.first;
          labels[at] = s.second;
        } else {
          distances[at] = missing;
          labels[at] = -1;
        }
      }
    }
  }
}

void search_with(const faiss::Index* index, idx_t n, const float* x, idx_t k, const SearchOptions& options,
                 float* distances, idx_t* labels) {
  // IndexIDMap (and IndexIDMap2, which derives from it) refuses SearchParameters in 1.7.3: search the inner index
  // and translate its sequential ids.
  if (auto* idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) {
    search_with(idmap->index, n, x, k, options, distances, labels);
    const idx_t count = static_cast<idx_t>(idmap->id_map.size());
    for (idx_t i = 0; i < n * k; i++) {
      const idx_t inner = labels[i];
      labels[i] = inner >= 0 && inner < count ? idmap->id_map[static_cast<size_t>(inner)] : -1;
    }
    return;
  }
  if (auto* pre = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
    const float* transformed = pre->apply_chain(n, x);
    std::unique_ptr<const float[]> owned(transformed == x ? nullptr : transformed);
    search_with(pre->index, n, transformed, k, options, distances, labels);
    return;
  }
  if (auto* refine = dynamic_cast<const faiss::IndexRefine*>(index)) {
    search_refine(refine, n, x, k, options, distances, labels);
    return;
  }
  if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
    faiss::SearchParametersIVF params;
    const size_t nprobe = options.nprobe > 0 ? static_cast<size_t>(options.nprobe) : ivf->nprobe;
    params.nprobe = std::max<size_t>(1, std::min(nprobe, ivf->nlist));
    params.max_codes = ivf->max_codes;
    ivf->search(n, x, k, distances, labels, &params);
    return;
  }
  if (auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(index)) {
    if (hnsw->hnsw.upper_beam == 1 && hnsw->storage != nullptr) {
      search_hnsw(hnsw, n, x, k, options.ef_search > 0 ? options.ef_search : hnsw->hnsw.efSearch, distances, labels);
    } else {
      hnsw->search(n, x, k, distances, labels);  // unusual HNSW variants: the index's own efSearch
    }
    return;
  }
  index->search(n, x, k, distances, labels);
}

// A structural description in FAISS factory-string syntax (1.7.3 cannot turn an index back into its factory string).
std::string describe(const faiss::Index* index) {
  if (auto* idmap2 = dynamic_cast<const faiss::IndexIDMap2*>(index)) return "IDMap2," + describe(idmap2->index);
  if (auto* idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) return "IDMap," + describe(idmap->index);
  if (auto* pre = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
    std::string chain;
    for (const faiss::VectorTransform* t : pre->chain) {
      if (auto* opq = dynamic_cast<const faiss::OPQMatrix*>(t)) {
        chain += "OPQ" + std::to_string(opq->M) + "_" + std::to_string(opq->d_out);
      } else if (auto* pca = dynamic_cast<const faiss::PCAMatrix*>(t)) {
        chain += "PCA" + std::to_string(pca->d_out);
      } else if (dynamic_cast<const faiss::NormalizationTransform*>(t) != nullptr) {
        chain += "L2norm";
      } else {
        chain += "Transform" + std::to_string(t->d_out);
      }
      chain += ",";
    }
    return chain + describe(pre->index);
  }
  if (auto* refine_flat = dynamic_cast<const faiss::IndexRefineFlat*>(index)) {
    return describe(refine_flat->base_index) + ",RFlat";
  }
  if (auto* refine = dynamic_cast<const faiss::IndexRefine*>(index)) {
    if (dynamic_cast<const faiss::IndexFlat*>(refine->refine_index) != nullptr) return describe(refine->base_index) + ",RFlat";
    return describe(refine->base_index) + ",Refine(" + describe(refine->refine_index) + ")";
  }
  if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
    std::string prefix = "IVF" + std::to_string(ivf->nlist);
    if (auto* coarse = dynamic_cast<const faiss::IndexHNSW*>(ivf->quantizer)) {
      prefix += "_HNSW" + std::to_string(coarse->hnsw.nb_neighbors(1));
    }
    if (auto* ivfpq = dynamic_cast<const faiss::IndexIVFPQ*>(index)) {
      return prefix + ",PQ" + std::to_string(ivfpq->pq.M) + "x" + std::to_string(ivfpq->pq.nbits);
    }
    if (dynamic_cast<const faiss::IndexIVFFlat*>(index) != nullptr) return prefix + ",Flat";
    if (dynamic_cast<const faiss::IndexIVFScalarQuantizer*>(index) != nullptr) return prefix + ",SQ";
    return prefix + ",?";
  }
  if (auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(index)) {
    std::string m = std::to_string(hnsw->hnsw.nb_neighbors(1));
    if (dynamic_cast<const faiss::IndexHNSWFlat*>(index) != nullptr) return "HNSW" + m;
    if (dynamic_cast<const faiss::IndexHNSWPQ*>(index) != nullptr) return "HNSW" + m + "_PQ";
    if (dynamic_cast<const faiss::IndexHNSWSQ*>(index) != nullptr) return "HNSW" + m + "_SQ";
    return "HNSW" + m + "_?";
  }
  if (dynamic_cast<const faiss::IndexFlat*>(index) != nullptr) return "Flat";
  if (auto* pq = dynamic_cast<const faiss::IndexPQ*>(index)) {
    return "PQ" + std::to_string(pq->pq.M) + "x" + std::to_string(pq->pq.nbits);
  }
  if (dynamic_cast<const faiss::IndexScalarQuantizer*>(index) != nullptr) return "SQ";
  if (dynamic_cast<const faiss::IndexLSH*>(index) != nullptr) return "LSH";
  return "?";
}

bool supports_ids(const faiss::Index* index) {
  if (dynamic_cast<const faiss::IndexIDMap*>(index) != nullptr) return true;
  if (auto* pre = dynamic_cast<const faiss::IndexPreTransform*>(index)) return supports_ids(pre->index);
  if (dynamic_cast<const faiss::IndexRefine*>(index) != nullptr) return false;
  return dynamic_cast<const faiss::IndexIVF*>(index) != nullptr;
}

bool supports_remove(const faiss::Index* index) {
  if (auto* idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) return supports_remove(idmap->index);
  if (auto* pre = dynamic_cast<const faiss::IndexPreTransform*>(index)) return supports_remove(pre->index);
  if (dynamic_cast<const faiss::IndexRefine*>(index) != nullptr) return false;
  if (dynamic_cast<const faiss::IndexIVF*>(index) != nullptr) return true;
  return dynamic_cast<const faiss::IndexFlatCodes*>(index) != nullptr;
}

faiss::IndexIVF* find_ivf(faiss::Index* index) {
  if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return find_ivf(idmap->index);
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) return find_ivf(pre->index);
  if (auto* refine = dynamic_cast<faiss::IndexRefine*>(index)) return find_ivf(refine->base_index);
  return dynamic_cast<faiss::IndexIVF*>(index);
}

faiss::IndexHNSW* find_hnsw(faiss::Index* index) {
  if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return find_hnsw(idmap->index);
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) return find_hnsw(pre->index);
  if (auto* refine = dynamic_cast<faiss::IndexRefine*>(index)) return find_hnsw(refine->base_index);
  return dynamic_cast<faiss::IndexHNSW*>(index);
}

// Reads from caller-owned memory without copying it; a short read makes FAISS throw its "read error".
struct MemoryReader : faiss::IOReader {
  MemoryReader(const uint8_t* data, size_t size) : data_(data), size_(size) { name = "<bytes>"; }
  size_t operator()(void* ptr, size_t size, size_t nitems) override {
    if (size == 0 || nitems == 0) return 0;
    const size_t available = (size_ - position_) / size;
    const size_t items = std::min(nitems, available);
    std::memcpy(ptr, data_ + position_, items * size);
    position_ += items * size;
    return items;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
};

}  // namespace

// The number of OpenMP threads FAISS uses for the calls that follow on this thread.
VIS_EXPORT int vis_faiss_get_num_threads() { return omp_get_max_threads(); }

// Sets the OpenMP team size for the calling thread's later FAISS calls (OpenMP keeps it per thread).
VIS_EXPORT void vis_faiss_set_num_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}

// k-nearest-neighbour search with per-call nprobe / efSearch (<= 0 keeps the index's own) on `threads` OpenMP
// threads (<= 0 keeps the caller's). Never changes the index.
VIS_EXPORT int vis_faiss_search(const faiss::Index* index, int64_t n, const float* x, int64_t k, int nprobe,
                                int ef_search, int threads, float* distances, int64_t* labels, char* err,
                                size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || x == nullptr || distances == nullptr || labels == nullptr || n < 0 || k <= 0) {
      throw std::invalid_argument("vis_faiss_search: invalid argument");
    }
    ThreadScope scope(threads);
    search_with(index, n, x, k, SearchOptions{nprobe, ef_search}, distances, labels);
  });
}

// Writes the index into a malloc'ed buffer; free it with vis_faiss_free_buffer.
VIS_EXPORT int vis_faiss_serialize(const faiss::Index* index, uint8_t** data, size_t* size, char* err,
                                   size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || data == nullptr || size == nullptr) {
      throw std::invalid_argument("vis_faiss_serialize: invalid argument");
    }
    *data = nullptr;
    *size = 0;
    faiss::VectorIOWriter writer;
    faiss::write_index(index, &writer);
    auto* buffer = static_cast<uint8_t*>(std::malloc(std::max<size_t>(1, writer.data.size())));
    if (buffer == nullptr) throw std::bad_alloc();
    std::memcpy(buffer, writer.data.data(), writer.data.size());
    *data = buffer;
    *size = writer.data.size();
  });
}

VIS_EXPORT void vis_faiss_free_buffer(uint8_t* data) { std::free(data); }

// Reads an index from memory the caller keeps alive for the duration of the call.
VIS_EXPORT int vis_faiss_deserialize(const uint8_t* data, size_t size, faiss::Index** out, char* err,
                                     size_t err_len) {
  return guarded(err, err_len, [&] {
    if (data == nullptr || out == nullptr) throw std::invalid_argument("vis_faiss_deserialize: invalid argument");
    *out = nullptr;
    MemoryReader reader(data, size);
    *out = faiss::read_index(&reader);
  });
}

// Writes the factory-style description of the index into (buffer, buffer_len), NUL-terminated.
VIS_EXPORT int vis_faiss_describe(const faiss::Index* index, char* buffer, size_t buffer_len, char* err,
                                  size_t err_len) {
  int rc = kOk;
  int guard_rc = guarded(err, err_len, [&] {
    if (index == nullptr || buffer == nullptr || buffer_len == 0) {
      throw std::invalid_argument("vis_faiss_describe: invalid argument");
    }
    std::string text = describe(index);
    if (text.size() >= buffer_len) {
      rc = kBufferTooSmall;
      write_error(err, err_len, "description buffer too small");
      return;
    }
    std::memcpy(buffer, text.c_str(), text.size() + 1);
  });
  return guard_rc != kOk ? guard_rc : rc;
}

// Capability flags: 1 = add_with_ids, 2 = remove_ids, 4 = IVF inside (nprobe applies), 8 = HNSW inside (efSearch
// applies), 16 = IVF inverted lists are memory-mapped / read-only.
VIS_EXPORT int vis_faiss_capabilities(faiss::Index* index, int* flags, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || flags == nullptr) throw std::invalid_argument("vis_faiss_capabilities: invalid argument");
    int f = 0;
    if (supports_ids(index)) f |= 1;
    if (supports_remove(index)) f |= 2;
    faiss::IndexIVF* ivf = find_ivf(index);
    if (ivf != nullptr) {
      f |= 4;
      if (dynamic_cast<faiss::ArrayInvertedLists*>(ivf->invlists) == nullptr) f |= 16;
    }
    if (find_hnsw(index) != nullptr) f |= 8;
    *flags = f;
  });
}

static faiss::IndexRefine* find_refine(faiss::Index* index) {
  if (auto* idmap = dynamic_cast<faiss::IndexIDMap*>(index)) return find_refine(idmap->index);
  if (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) return find_refine(pre->index);
  return dynamic_cast<faiss::IndexRefine*>(index);
}

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
