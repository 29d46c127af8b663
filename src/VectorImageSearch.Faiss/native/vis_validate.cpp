// Validation of serialised and loaded FAISS 1.7.3 indexes (see vis_validate.h). The byte walk follows the layout of
// faiss/impl/index_read.cpp (read_index, read_ivf_header, read_InvertedLists, read_HNSW, read_ProductQuantizer,
// read_ScalarQuantizer, read_VectorTransform) field by field, so FAISS's reader only ever sees counts it can satisfy
// from the bytes present and parameters its search code can use without indexing out of bounds. The checks of loaded
// structures are in vis_validate_loaded.cpp.
#include "vis_validate.h"


#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace vis {
namespace {

constexpr int kMaxDimension = 1 << 16;
constexpr int64_t kMaxCount = int64_t{1} << 40;
constexpr int kMaxDepth = 8;            // nested indexes (IDMap over PreTransform over IVF over its quantiser…)
constexpr int kMaxTransforms = 16;      // vector transforms in one pre-transform chain
constexpr size_t kMaxNList = size_t{1} << 31;
constexpr uint64_t kMaxSdcTableBytes = uint64_t{1} << 28;  // HNSW-PQ builds an M × ksub × ksub table on load

constexpr uint32_t fourcc(const char (&s)[5]) {
  return static_cast<uint32_t>(s[0]) | static_cast<uint32_t>(s[1]) << 8 | static_cast<uint32_t>(s[2]) << 16 |
         static_cast<uint32_t>(s[3]) << 24;
}

std::string printable(uint32_t h) {
  std::string s;
  for (int i = 0; i < 4; i++) {
    const char c = static_cast<char>((h >> (8 * i)) & 0xff);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

// What the walk learnt about one (sub-)index, for the consistency checks of the index that contains it.
struct Summary {
  int d = 0;
  int64_t ntotal = 0;
  int32_t metric = 0;
  bool is_flat = false;
};

// A view of a vector field in the buffer: count elements of elem bytes each, starting at data.
struct Field {
  const uint8_t* data;
  uint64_t count;
};

class Walker {
 public:
  Walker(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  Summary index(const std::string& path, int depth) {
    if (depth > kMaxDepth) fail(path, "nests more than " + std::to_string(kMaxDepth) + " indexes");
    const uint32_t h = scalar<uint32_t>(path + ".fourcc");
    if (h == fourcc("IxFI") || h == fourcc("IxF2") || h == fourcc("IxFl")) return flat(path + "(Flat)");
    if (h == fourcc("IxPQ") || h == fourcc("IxPo") || h == fourcc("IxPq")) return pq_index(path + "(PQ)", h);
    if (h == fourcc("IxSQ")) return sq_index(path + "(SQ)");
    if (h == fourcc("IwFl")) return ivf(path + "(IVF-Flat)", h, depth);
    if (h == fourcc("IwPQ")) return ivf(path + "(IVF-PQ)", h, depth);
    if (h == fourcc("IwSQ") || h == fourcc("IwSq")) return ivf(path + "(IVF-SQ)", h, depth);
    if (h == fourcc("IHNf") || h == fourcc("IHNp") || h == fourcc("IHNs")) return hnsw(path + "(HNSW)", h, depth);
    if (h == fourcc("IxMp") || h == fourcc("IxM2")) return idmap(path + "(IDMap)", depth);
    if (h == fourcc("IxRF")) return refine(path + "(Refine)", depth);
    if (h == fourcc("IxPT")) return pretransform(path + "(PreTransform)", depth);
    fail(path + ".fourcc", "is '" + printable(h) + "', not an index type this library reads (Flat, PQ, SQ, IVF-Flat, "
                                                  "IVF-PQ, IVF-SQ, HNSW, IDMap, IDMap2, Refine, PreTransform)");
  }

  void finish() {
    if (position_ != size_) {
      fail("index", "ends at byte " + std::to_string(position_) + " but the data holds " + std::to_string(size_) +
                        " bytes (trailing bytes)");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw CorruptIndex("corrupt index: field '" + field + "' (at byte " + std::to_string(position_) + ") " + what);
  }

  size_t remaining() const { return size_ - position_; }

  template <typename T>
  T scalar(const std::string& field) {
    if (remaining() < sizeof(T)) {
      fail(field, "is cut off: " + std::to_string(sizeof(T)) + " bytes needed, " + std::to_string(remaining()) +
                      " remain (truncated data)");
    }
    T value;
    std::memcpy(&value, data_ + position_, sizeof(T));
    position_ += sizeof(T);
    return value;
  }

  bool boolean(const std::string& field) {
    const uint8_t value = scalar<uint8_t>(field);
    if (value > 1) fail(field, "is " + std::to_string(value) + ", not a boolean");
    return value != 0;
  }

  // A FAISS vector: a 64-bit element count, then the elements. The count must fit in the bytes that remain.
  Field vector(const std::string& field, size_t elem) {
    const uint64_t count = scalar<uint64_t>(field + ".size");
    if (count > remaining() / elem) {
      fail(field, "claims " + std::to_string(count) + " elements of " + std::to_string(elem) + " bytes but only " +
                      std::to_string(remaining()) + " bytes remain");
    }
    Field f{data_ + position_, count};
    position_ += static_cast<size_t>(count * elem);
    return f;
  }

  void skip(const std::string& field, uint64_t bytes) {
    if (bytes > remaining()) {
      fail(field, "needs " + std::to_string(bytes) + " bytes but only " + std::to_string(remaining()) + " remain");
    }
    position_ += static_cast<size_t>(bytes);
  }

  template <typename T>
  static T element(const Field& f, uint64_t i) {
    T value;
    std::memcpy(&value, f.data + i * sizeof(T), sizeof(T));
    return value;
  }

  Summary header(const std::string& path) {
    Summary s;
    s.d = scalar<int32_t>(path + ".d");
    if (s.d < 1 || s.d > kMaxDimension) fail(path + ".d", "is " + std::to_string(s.d) + ", outside 1.." + std::to_string(kMaxDimension));
    s.ntotal = scalar<int64_t>(path + ".ntotal");
    if (s.ntotal < 0 || s.ntotal >= kMaxCount) fail(path + ".ntotal", "is " + std::to_string(s.ntotal) + ", outside 0..2^40");
    scalar<int64_t>(path + ".dummy");
    scalar<int64_t>(path + ".dummy");
    boolean(path + ".is_trained");
    const int32_t metric = scalar<int32_t>(path + ".metric_type");
    if (metric != 0 && metric != 1) fail(path + ".metric_type", "is " + std::to_string(metric) + "; only inner product (0) and L2 (1) are read");
    s.metric = metric;
    return s;
  }

  void expect_equal(const std::string& field, uint64_t actual, uint64_t expected, const char* what) {
    if (actual != expected) {
      fail(field, "is " + std::to_string(actual) + " but " + what + " needs " + std::to_string(expected));
    }
  }

  Summary flat(const std::string& path) {
    Summary s = header(path);
    const Field codes = vector(path + ".codes", 4);  // READXBVECTOR: a count of floats
    expect_equal(path + ".codes.size", codes.count, static_cast<uint64_t>(s.ntotal) * static_cast<uint64_t>(s.d), "ntotal × d");
    s.is_flat = true;
    return s;
  }

  // read_ProductQuantizer: d, M, nbits (size_t each), then the centroids. Returns the code size.
  size_t product_quantizer(const std::string& path, int d, uint64_t* ksub_out = nullptr, uint64_t* m_out = nullptr) {
    const uint64_t pq_d = scalar<uint64_t>(path + ".d");
    expect_equal(path + ".d", pq_d, static_cast<uint64_t>(d), "the index dimension");
    const uint64_t m = scalar<uint64_t>(path + ".M");
    if (m < 1 || m > pq_d || pq_d % m != 0) fail(path + ".M", "is " + std::to_string(m) + ", not a divisor of d=" + std::to_string(pq_d));
    const uint64_t nbits = scalar<uint64_t>(path + ".nbits");
    if (nbits < 1 || nbits > 16) fail(path + ".nbits", "is " + std::to_string(nbits) + ", outside 1..16");
    const uint64_t ksub = uint64_t{1} << nbits;
    const Field centroids = vector(path + ".centroids", 4);
    expect_equal(path + ".centroids.size", centroids.count, pq_d * ksub, "d × 2^nbits");
    if (ksub_out != nullptr) *ksub_out = ksub;
    if (m_out != nullptr) *m_out = m;
    return static_cast<size_t>((nbits * m + 7) / 8);
  }

  Summary pq_index(const std::string& path, uint32_t h) {
    Summary s = header(path);
    const size_t code_size = product_quantizer(path + ".pq", s.d);
    const Field codes = vector(path + ".codes", 1);
    expect_equal(path + ".codes.size", codes.count, static_cast<uint64_t>(s.ntotal) * code_size, "ntotal × code size");
    if (h == fourcc("IxPo") || h == fourcc("IxPq")) {
      const int32_t search_type = scalar<int32_t>(path + ".search_type");
      if (search_type < 0 || search_type > 5) fail(path + ".search_type", "is " + std::to_string(search_type) + ", outside 0..5");
      boolean(path + ".encode_signs");
      scalar<int32_t>(path + ".polysemous_ht");
    }
    return s;
  }

  // read_ScalarQuantizer. Returns the code size FAISS derives from the type and the dimension.
  size_t scalar_quantizer(const std::string& path, int d, bool trained) {
    const int32_t qtype = scalar<int32_t>(path + ".qtype");
    if (qtype < 0 || qtype > 6) fail(path + ".qtype", "is " + std::to_string(qtype) + ", not a quantizer type (0..6)");
    const int32_t rangestat = scalar<int32_t>(path + ".rangestat");
    if (rangestat < 0 || rangestat > 3) fail(path + ".rangestat", "is " + std::to_string(rangestat) + ", outside 0..3");
    scalar<float>(path + ".rangestat_arg");
    const uint64_t sq_d = scalar<uint64_t>(path + ".d");
    expect_equal(path + ".d", sq_d, static_cast<uint64_t>(d), "the index dimension");
    scalar<uint64_t>(path + ".code_size");  // FAISS recomputes it from qtype and d
    const Field table = vector(path + ".trained", 4);
    const uint64_t ud = static_cast<uint64_t>(d);
    uint64_t code_size = 0, table_size = 0;
    switch (qtype) {
      case 0: code_size = ud; table_size = 2 * ud; break;            // QT_8bit
      case 1: code_size = (ud + 1) / 2; table_size = 2 * ud; break;  // QT_4bit
      case 2: code_size = ud; table_size = 2; break;                 // QT_8bit_uniform
      case 3: code_size = (ud + 1) / 2; table_size = 2; break;       // QT_4bit_uniform
      case 4: code_size = 2 * ud; break;                             // QT_fp16
      case 5: code_size = ud; break;                                 // QT_8bit_direct
      default: code_size = (ud * 6 + 7) / 8; table_size = 2 * ud; break;  // QT_6bit
    }
    if (trained && table.count < table_size) {
      fail(path + ".trained", "holds " + std::to_string(table.count) + " values; quantizer type " + std::to_string(qtype) +
                                  " needs " + std::to_string(table_size));
    }
    return static_cast<size_t>(code_size);
  }

  Summary sq_index(const std::string& path) {
    const size_t start = position_;
    Summary s = header(path);
    const bool trained = data_[start + 4 + 8 * 3] != 0;  // the header's is_trained byte
    const size_t code_size = scalar_quantizer(path + ".sq", s.d, trained);
    const Field codes = vector(path + ".codes", 1);
    expect_equal(path + ".codes.size", codes.count, static_cast<uint64_t>(s.ntotal) * code_size, "ntotal × code size");
    return s;
  }

  // read_ivf_header, the type-specific fields, then read_InvertedLists.
  Summary ivf(const std::string& path, uint32_t h, int depth) {
    const size_t start = position_;
    Summary s = header(path);
    const bool trained = data_[start + 4 + 8 * 3] != 0;
    const uint64_t nlist = scalar<uint64_t>(path + ".nlist");
    // FAISS allocates a list header per list before reading any of them; more lists than the data has bytes (or 2^20
    // for an empty, untrained index) cannot come from a real index.
    const uint64_t max_nlist = std::min<uint64_t>(kMaxNList, std::max<uint64_t>(uint64_t{1} << 20, size_));
    if (nlist < 1 || nlist > max_nlist) fail(path + ".nlist", "is " + std::to_string(nlist) + ", outside 1.." + std::to_string(max_nlist));
    const uint64_t nprobe = scalar<uint64_t>(path + ".nprobe");
    if (nprobe < 1) fail(path + ".nprobe", "is 0");
    const Summary q = index(path + ".quantizer", depth + 1);
    expect_equal(path + ".quantizer.d", static_cast<uint64_t>(q.d), static_cast<uint64_t>(s.d), "the index dimension");
    if (trained) expect_equal(path + ".quantizer.ntotal", static_cast<uint64_t>(q.ntotal), nlist, "nlist (one centroid per list)");
    const int8_t map_type = scalar<int8_t>(path + ".direct_map.type");
    if (map_type < 0 || map_type > 2) fail(path + ".direct_map.type", "is " + std::to_string(map_type) + ", outside 0..2");
    vector(path + ".direct_map.array", 8);
    if (map_type == 2) vector(path + ".direct_map.hashtable", 16);
    size_t code_size = static_cast<size_t>(s.d) * 4;
    if (h == fourcc("IwPQ")) {
      const bool by_residual = boolean(path + ".by_residual");
      const uint64_t stored = scalar<uint64_t>(path + ".code_size");
      uint64_t ksub = 0, m = 0;
      code_size = product_quantizer(path + ".pq", s.d, &ksub, &m);
      expect_equal(path + ".code_size", stored, code_size, "the PQ's M × nbits");
      // Loading an L2 IVF-PQ by residual precomputes an nlist × M × ksub table (FAISS caps it at 2 GiB only).
      const unsigned __int128 table = static_cast<unsigned __int128>(nlist) * m * ksub * 4;
      if (by_residual && s.metric == 1 && table > std::max<uint64_t>(kMaxSdcTableBytes, 8 * uint64_t{size_})) {
        fail(path + ".pq", "would need a precomputed table of nlist × M × 2^nbits floats, too large for " + std::to_string(size_) + " bytes of index");
      }
    } else if (h == fourcc("IwSQ") || h == fourcc("IwSq")) {
      code_size = scalar_quantizer(path + ".sq", s.d, trained);
      const uint64_t stored = scalar<uint64_t>(path + ".code_size");
      expect_equal(path + ".code_size", stored, code_size, "the scalar quantizer's type and d");
      if (h == fourcc("IwSq")) boolean(path + ".by_residual");
    }
    inverted_lists(path + ".invlists", nlist, code_size, static_cast<uint64_t>(s.ntotal));
    return s;
  }

  void inverted_lists(const std::string& path, uint64_t nlist, size_t code_size, uint64_t ntotal) {
    const uint32_t h = scalar<uint32_t>(path + ".fourcc");
    if (h != fourcc("ilar")) fail(path + ".fourcc", "is '" + printable(h) + "'; only in-file array lists ('ilar') are read");
    expect_equal(path + ".nlist", scalar<uint64_t>(path + ".nlist"), nlist, "the IVF's nlist");
    expect_equal(path + ".code_size", scalar<uint64_t>(path + ".code_size"), code_size, "the IVF's code size");
    const uint32_t list_type = scalar<uint32_t>(path + ".list_type");
    std::vector<uint64_t> sizes;
    if (list_type == fourcc("full")) {
      const Field f = vector(path + ".sizes", 8);
      expect_equal(path + ".sizes.size", f.count, nlist, "nlist");
      sizes.resize(static_cast<size_t>(nlist));
      std::memcpy(sizes.data(), f.data, static_cast<size_t>(nlist) * 8);
    } else if (list_type == fourcc("sprs")) {
      const Field f = vector(path + ".sizes", 8);
      if (f.count % 2 != 0) fail(path + ".sizes.size", "is odd; sparse sizes come in (list, size) pairs");
      sizes.assign(static_cast<size_t>(nlist), 0);
      for (uint64_t j = 0; j < f.count; j += 2) {
        const uint64_t list = element<uint64_t>(f, j);
        if (list >= nlist) fail(path + ".sizes", "names list " + std::to_string(list) + " of " + std::to_string(nlist));
        sizes[static_cast<size_t>(list)] = element<uint64_t>(f, j + 1);
      }
    } else {
      fail(path + ".list_type", "is '" + printable(list_type) + "', not 'full' or 'sprs'");
    }
    uint64_t total = 0;
    const uint64_t entry = static_cast<uint64_t>(code_size) + 8;
    for (size_t i = 0; i < sizes.size(); i++) {
      if (sizes[i] > remaining() / entry) {
        fail(path + ".sizes[" + std::to_string(i) + "]", "claims " + std::to_string(sizes[i]) + " entries of " +
                                                           std::to_string(entry) + " bytes but only " +
                                                           std::to_string(remaining()) + " bytes remain");
      }
      skip(path + ".list[" + std::to_string(i) + "]", sizes[i] * entry);
      total += sizes[i];
    }
    expect_equal(path + ".sizes (sum)", total, ntotal, "ntotal");
  }

  Summary hnsw(const std::string& path, uint32_t h, int depth) {
    Summary s = header(path);
    const Field probas = vector(path + ".hnsw.assign_probas", 8);
    const Field cum = vector(path + ".hnsw.cum_nneighbor_per_level", 4);
    vector(path + ".hnsw.levels", 4);
    vector(path + ".hnsw.offsets", 8);
    vector(path + ".hnsw.neighbors", 4);
    if (probas.count < 1 || cum.count != probas.count + 1) {
      fail(path + ".hnsw.cum_nneighbor_per_level.size", "is " + std::to_string(cum.count) + " for " +
                                                            std::to_string(probas.count) + " level probabilities (needs one more, at least 2)");
    }
    scalar<int32_t>(path + ".hnsw.entry_point");
    scalar<int32_t>(path + ".hnsw.max_level");
    scalar<int32_t>(path + ".hnsw.efConstruction");
    scalar<int32_t>(path + ".hnsw.efSearch");
    scalar<int32_t>(path + ".hnsw.upper_beam");
    const size_t storage_at = position_;
    const Summary storage = index(path + ".storage", depth + 1);
    expect_equal(path + ".storage.d", static_cast<uint64_t>(storage.d), static_cast<uint64_t>(s.d), "the index dimension");
    expect_equal(path + ".storage.ntotal", static_cast<uint64_t>(storage.ntotal), static_cast<uint64_t>(s.ntotal), "ntotal");
    const uint32_t storage_type = element<uint32_t>(Field{data_ + storage_at, 1}, 0);
    if (h == fourcc("IHNp")) {
      if (storage_type != fourcc("IxPQ") && storage_type != fourcc("IxPo") && storage_type != fourcc("IxPq")) {
        fail(path + ".storage.fourcc", "is '" + printable(storage_type) + "'; HNSW-PQ stores a PQ index");
      }
      // The PQ header follows the storage's index header: d (8 bytes), M, nbits.
      const size_t pq_at = storage_at + 4 + 4 + 8 * 3 + 1 + 4;
      const uint64_t m = element<uint64_t>(Field{data_ + pq_at + 8, 1}, 0);
      const uint64_t nbits = element<uint64_t>(Field{data_ + pq_at + 16, 1}, 0);
      const uint64_t ksub = uint64_t{1} << nbits;
      if (m * ksub * ksub * 4 > kMaxSdcTableBytes) {
        fail(path + ".storage.pq", "would need a " + std::to_string(m * ksub * ksub * 4) + "-byte distance table");
      }
    } else if (h == fourcc("IHNs") && storage_type != fourcc("IxSQ")) {
      fail(path + ".storage.fourcc", "is '" + printable(storage_type) + "'; HNSW-SQ stores an SQ index");
    } else if (h == fourcc("IHNf") && !storage.is_flat) {
      fail(path + ".storage.fourcc", "is '" + printable(storage_type) + "'; HNSW-Flat stores a Flat index");
    }
    return s;
  }

  Summary idmap(const std::string& path, int depth) {
    Summary s = header(path);
    const Summary inner = index(path + ".index", depth + 1);
    expect_equal(path + ".index.d", static_cast<uint64_t>(inner.d), static_cast<uint64_t>(s.d), "the index dimension");
    expect_equal(path + ".index.ntotal", static_cast<uint64_t>(inner.ntotal), static_cast<uint64_t>(s.ntotal), "ntotal");
    const Field ids = vector(path + ".id_map", 8);
    expect_equal(path + ".id_map.size", ids.count, static_cast<uint64_t>(s.ntotal), "ntotal");
    return s;
  }

  Summary refine(const std::string& path, int depth) {
    Summary s = header(path);
    const Summary base = index(path + ".base_index", depth + 1);
    const Summary refined = index(path + ".refine_index", depth + 1);
    for (const auto& [name, part] : {std::pair<const char*, const Summary&>{"base_index", base}, {"refine_index", refined}}) {
      expect_equal(path + "." + name + ".d", static_cast<uint64_t>(part.d), static_cast<uint64_t>(s.d), "the index dimension");
      expect_equal(path + "." + name + ".ntotal", static_cast<uint64_t>(part.ntotal), static_cast<uint64_t>(s.ntotal), "ntotal");
    }
    const float k_factor = scalar<float>(path + ".k_factor");
    if (!(k_factor >= 1.0f && k_factor <= 1024.0f)) fail(path + ".k_factor", "is " + std::to_string(k_factor) + ", outside 1..1024");
    return s;
  }

  // read_VectorTransform; returns (d_in, d_out).
  std::pair<int, int> transform(const std::string& path) {
    const uint32_t h = scalar<uint32_t>(path + ".fourcc");
    uint64_t a_size = 0, b_size = 0, mean_size = 0;
    bool linear = false, have_bias = false;
    Field map{nullptr, 0};
    if (h == fourcc("rrot") || h == fourcc("PCAm") || h == fourcc("LTra") || h == fourcc("PcAm") || h == fourcc("Pcam")) {
      if (h == fourcc("PCAm") || h == fourcc("PcAm") || h == fourcc("Pcam")) {
        scalar<float>(path + ".eigen_power");
        if (h == fourcc("Pcam")) scalar<float>(path + ".epsilon");
        boolean(path + ".random_rotation");
        if (h != fourcc("PCAm")) scalar<int32_t>(path + ".balanced_bins");
        vector(path + ".mean", 4);
        vector(path + ".eigenvalues", 4);
        vector(path + ".PCAMat", 4);
      }
      have_bias = boolean(path + ".have_bias");
      a_size = vector(path + ".A", 4).count;
      b_size = vector(path + ".b", 4).count;
      linear = true;
    } else if (h == fourcc("RmDT")) {
      map = vector(path + ".map", 4);
    } else if (h == fourcc("VNrm")) {
      scalar<float>(path + ".norm");
    } else if (h == fourcc("VCnt")) {
      mean_size = vector(path + ".mean", 4).count;
    } else {
      fail(path + ".fourcc", "is '" + printable(h) + "', not a transform this library reads");
    }
    const int32_t d_in = scalar<int32_t>(path + ".d_in");
    const int32_t d_out = scalar<int32_t>(path + ".d_out");
    boolean(path + ".is_trained");
    if (d_in < 1 || d_in > kMaxDimension || d_out < 1 || d_out > kMaxDimension) {
      fail(path + ".d_in/d_out", "are " + std::to_string(d_in) + "/" + std::to_string(d_out) + ", outside 1.." + std::to_string(kMaxDimension));
    }
    if (linear) {
      expect_equal(path + ".A.size", a_size, static_cast<uint64_t>(d_in) * static_cast<uint64_t>(d_out), "d_in × d_out");
      if (have_bias) expect_equal(path + ".b.size", b_size, static_cast<uint64_t>(d_out), "d_out");
    } else if (h == fourcc("VNrm") || h == fourcc("VCnt")) {
      expect_equal(path + ".d_out", static_cast<uint64_t>(d_out), static_cast<uint64_t>(d_in), "d_in");
      if (h == fourcc("VCnt")) expect_equal(path + ".mean.size", mean_size, static_cast<uint64_t>(d_in), "d_in");
    } else {
      expect_equal(path + ".map.size", map.count, static_cast<uint64_t>(d_out), "d_out");
      for (uint64_t i = 0; i < map.count; i++) {
        const int32_t source = element<int32_t>(map, i);
        if (source < -1 || source >= d_in) fail(path + ".map[" + std::to_string(i) + "]", "is " + std::to_string(source) + ", outside -1..d_in-1");
      }
    }
    return {d_in, d_out};
  }

  Summary pretransform(const std::string& path, int depth) {
    Summary s = header(path);
    const int32_t nt = scalar<int32_t>(path + ".chain.size");
    if (nt < 0 || nt > kMaxTransforms) fail(path + ".chain.size", "is " + std::to_string(nt) + ", outside 0.." + std::to_string(kMaxTransforms));
    int d = s.d;
    for (int i = 0; i < nt; i++) {
      const std::string name = path + ".chain[" + std::to_string(i) + "]";
      const auto [d_in, d_out] = transform(name);
      expect_equal(name + ".d_in", static_cast<uint64_t>(d_in), static_cast<uint64_t>(d), "the previous stage's output");
      d = d_out;
    }
    const Summary inner = index(path + ".index", depth + 1);
    expect_equal(path + ".index.d", static_cast<uint64_t>(inner.d), static_cast<uint64_t>(d), "the chain's output dimension");
    expect_equal(path + ".index.ntotal", static_cast<uint64_t>(inner.ntotal), static_cast<uint64_t>(s.ntotal), "ntotal");
    return s;
  }

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
};

}  // namespace

void validate_serialized(const uint8_t* data, size_t size) {
  Walker walker(data, size);
  walker.index("index", 0);
  walker.finish();
}

}  // namespace vis
