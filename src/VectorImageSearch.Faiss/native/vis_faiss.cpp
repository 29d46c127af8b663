// Extension entry points over FAISS 1.7.3 for VectorImageSearch.Faiss (see CMakeLists.txt): only what the official
// C API lacks. Per-call search parameters (FAISS 1.7.3's IndexIDMap and IndexRefine refuse SearchParameters, so the
// wrappers are walked here), serialisation to and from memory (vis_io.cpp), structural descriptions and capability
// queries (vis_describe.cpp), stored defaults (vis_parameters.cpp), and OpenMP threads.
//
// Every entry point returns 0 on success or a negative code and writes a message to (err, err_len) through guarded()
// (vis_guarded.h); no C++ exception crosses the boundary. The managed side validates arguments before calling
// (dimensions, counts, k, finite values). This file: threads, search and id filters.
#include <faiss/Index.h>
#include <omp.h>

#include "vis_guarded.h"
#include "vis_search.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>

using vis::guarded;

namespace {

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

// The OpenMP team size the calling thread's last vis_faiss_search ran with.
thread_local int last_search_threads = 0;

}  // namespace

// The OpenMP team size the calling thread's last vis_faiss_search ran with (0 before the first): what a thread
// setting did, observable from outside.
VIS_EXPORT int vis_faiss_last_search_threads() { return last_search_threads; }

// The number of OpenMP threads FAISS uses for the calls that follow on this thread.
VIS_EXPORT int vis_faiss_get_num_threads() { return omp_get_max_threads(); }

// Sets the OpenMP team size for the calling thread's later FAISS calls (OpenMP keeps it per thread).
VIS_EXPORT void vis_faiss_set_num_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}

// k-nearest-neighbour search with per-call nprobe / efSearch (<= 0 keeps the index's own) on `threads` OpenMP
// threads (<= 0 keeps the caller's), restricted to the ids `filter` allows (null: all); a filter that allows at most
// exact_fraction of the vectors is answered by comparing those exactly. Never changes the index.
VIS_EXPORT int vis_faiss_search(const faiss::Index* index, int64_t n, const float* x, int64_t k, int nprobe,
                                int ef_search, const vis::Selector* filter, double exact_fraction, int threads,
                                float* distances, int64_t* labels, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (index == nullptr || x == nullptr || distances == nullptr || labels == nullptr || n < 0 || k <= 0) {
      throw std::invalid_argument("vis_faiss_search: invalid argument");
    }
    ThreadScope scope(threads);
    last_search_threads = omp_get_max_threads();
    vis::search(index, n, x, k, vis::SearchOptions{nprobe, ef_search, filter, exact_fraction}, distances, labels);
  });
}

// An id filter for vis_faiss_search: kind 0 = the `n` ids at `ids`, 1 = the half-open range [begin, end), 2 = the
// bitmap of `n` bytes at `bits` (id i allowed when byte i / 8 has bit i % 8). The data is copied.
VIS_EXPORT int vis_faiss_selector_new(int kind, const int64_t* ids, const uint8_t* bits, size_t n, int64_t begin,
                                      int64_t end, vis::Selector** out, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (out == nullptr || (n > 0 && kind == 0 && ids == nullptr) || (n > 0 && kind == 2 && bits == nullptr)) {
      throw std::invalid_argument("vis_faiss_selector_new: invalid argument");
    }
    *out = nullptr;
    switch (kind) {
      case 0: *out = vis::Selector::batch(ids, n); break;
      case 1: *out = vis::Selector::range(begin, end); break;
      case 2: *out = vis::Selector::bitmap(bits, n); break;
      default: throw std::invalid_argument("vis_faiss_selector_new: unknown kind");
    }
  });
}

// How many ids the filter allows.
VIS_EXPORT int64_t vis_faiss_selector_count(const vis::Selector* selector) {
  return selector == nullptr ? 0 : static_cast<int64_t>(selector->count());
}

VIS_EXPORT void vis_faiss_selector_free(vis::Selector* selector) { delete selector; }
