// The byte walk behind vis::validate_serialized (see vis_validate.h), shared by the files that check one family of
// index each: vis_validate.cpp (dispatch, headers, Flat), vis_validate_codes.cpp (PQ, SQ), vis_validate_ivf.cpp
// (IVF and its inverted lists), vis_validate_nested.cpp (HNSW, IDMap, Refine, PreTransform).
#pragma once

#include "vis_validate.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace vis::serialized {

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

std::string printable(uint32_t h);

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
  Summary index(const std::string& path, int depth);
  void finish();

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

  bool boolean(const std::string& field);

  // A FAISS vector: a 64-bit element count, then the elements. The count must fit in the bytes that remain.
  Field vector(const std::string& field, size_t elem);

  void skip(const std::string& field, uint64_t bytes);

  template <typename T>
  static T element(const Field& f, uint64_t i) {
    T value;
    std::memcpy(&value, f.data + i * sizeof(T), sizeof(T));
    return value;
  }

  Summary header(const std::string& path);
  void expect_equal(const std::string& field, uint64_t actual, uint64_t expected, const char* what);
  Summary flat(const std::string& path);

  // read_ProductQuantizer: d, M, nbits (size_t each), then the centroids. Returns the code size.
  size_t product_quantizer(const std::string& path, int d, uint64_t* ksub_out = nullptr, uint64_t* m_out = nullptr);
  Summary pq_index(const std::string& path, uint32_t h);
  // read_ScalarQuantizer. Returns the code size FAISS derives from the type and the dimension.
  size_t scalar_quantizer(const std::string& path, int d, bool trained);
  Summary sq_index(const std::string& path);

  // read_ivf_header, the type-specific fields, then read_InvertedLists.
  Summary ivf(const std::string& path, uint32_t h, int depth);
  void inverted_lists(const std::string& path, uint64_t nlist, size_t code_size, uint64_t ntotal);

  Summary hnsw(const std::string& path, uint32_t h, int depth);
  Summary idmap(const std::string& path, int depth);
  Summary refine(const std::string& path, int depth);
  // read_VectorTransform; returns (d_in, d_out).
  std::pair<int, int> transform(const std::string& path);
  Summary pretransform(const std::string& path, int depth);

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
};

}  // namespace vis::serialized
