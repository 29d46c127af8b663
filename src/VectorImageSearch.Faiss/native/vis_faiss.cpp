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
#include <fcntl.h>
#include <omp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vis_search.h"
#include "vis_validate.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cerrno>
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

std::string describe_sq(const faiss::ScalarQuantizer& sq) {
  switch (sq.qtype) {
    case faiss::ScalarQuantizer::QT_8bit: return "SQ8";
    case faiss::ScalarQuantizer::QT_4bit: return "SQ4";
    case faiss::ScalarQuantizer::QT_6bit: return "SQ6";
    case faiss::ScalarQuantizer::QT_fp16: return "SQfp16";
    case faiss::ScalarQuantizer::QT_8bit_uniform: return "SQ8_uniform";
    case faiss::ScalarQuantizer::QT_4bit_uniform: return "SQ4_uniform";
    case faiss::ScalarQuantizer::QT_8bit_direct: return "SQ8_direct";
  }
  return "SQ";
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
    if (auto* ivfsq = dynamic_cast<const faiss::IndexIVFScalarQuantizer*>(index)) return prefix + "," + describe_sq(ivfsq->sq);
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
  if (auto* sq = dynamic_cast<const faiss::IndexScalarQuantizer*>(index)) return describe_sq(sq->sq);
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

// Reads an index from memory the caller keeps alive for the duration of the call. The bytes are validated first
// (vis_validate.h), so FAISS's reader never allocates more than the data can hold, and the loaded structures are
// checked before the index is handed out.
VIS_EXPORT int vis_faiss_deserialize(const uint8_t* data, size_t size, faiss::Index** out, char* err,
                                     size_t err_len) {
  return guarded(err, err_len, [&] {
    if (data == nullptr || out == nullptr) throw std::invalid_argument("vis_faiss_deserialize: invalid argument");
    *out = nullptr;
    vis::validate_serialized(data, size);
    MemoryReader reader(data, size);
    std::unique_ptr<faiss::Index> index(faiss::read_index(&reader));
    vis::validate_loaded(index.get());
    *out = index.release();
  });
}

// Reads an index file with FAISS's io_flags (memory-mapping included) after validating its bytes through a read-only
// mapping of the file, then checks the loaded structures.
VIS_EXPORT int vis_faiss_read_file(const char* path, int io_flags, faiss::Index** out, char* err, size_t err_len) {
  return guarded(err, err_len, [&] {
    if (path == nullptr || out == nullptr) throw std::invalid_argument("vis_faiss_read_file: invalid argument");
    *out = nullptr;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("cannot open the file: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(fd);
      throw std::runtime_error("not a regular file");
    }
    const size_t size = static_cast<size_t>(info.st_size);
    void* mapped = size == 0 ? nullptr : ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) throw std::runtime_error(std::string("cannot map the file: ") + std::strerror(errno));
    try {
      static const uint8_t empty = 0;
      vis::validate_serialized(mapped == nullptr ? &empty : static_cast<const uint8_t*>(mapped), size);
    } catch (...) {
      if (mapped != nullptr) ::munmap(mapped, size);
      throw;
    }
    if (mapped != nullptr) ::munmap(mapped, size);
    std::unique_ptr<faiss::Index> index(faiss::read_index(path, io_flags));
    vis::validate_loaded(index.get());
    *out = index.release();
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
