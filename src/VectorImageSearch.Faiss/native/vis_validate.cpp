// Validation of serialised and loaded FAISS 1.7.3 indexes (see vis_validate.h). The byte walk follows the layout of
// faiss/impl/index_read.cpp (read_index, read_ivf_header, read_InvertedLists, read_HNSW, read_ProductQuantizer,
// read_ScalarQuantizer, read_VectorTransform) field by field, so FAISS's reader only ever sees counts it can satisfy
// from the bytes present and parameters its search code can use without indexing out of bounds. The checks of loaded
// structures are in vis_validate_loaded.cpp. This file: the dispatch on the fourcc, the reading primitives, the common
// index header and Flat; the other families are in the files vis_walker.h names.
#include "vis_validate.h"
#include "vis_walker.h"

#include <string>

namespace vis {
namespace serialized {

std::string printable(uint32_t h) {
  std::string s;
  for (int i = 0; i < 4; i++) {
    const char c = static_cast<char>((h >> (8 * i)) & 0xff);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

Summary Walker::index(const std::string& path, int depth) {
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

void Walker::finish() {
  if (position_ != size_) {
    fail("index", "ends at byte " + std::to_string(position_) + " but the data holds " + std::to_string(size_) +
                      " bytes (trailing bytes)");
  }
}

bool Walker::boolean(const std::string& field) {
  const uint8_t value = scalar<uint8_t>(field);
  if (value > 1) fail(field, "is " + std::to_string(value) + ", not a boolean");
  return value != 0;
}

Field Walker::vector(const std::string& field, size_t elem) {
  const uint64_t count = scalar<uint64_t>(field + ".size");
  if (count > remaining() / elem) {
    fail(field, "claims " + std::to_string(count) + " elements of " + std::to_string(elem) + " bytes but only " +
                    std::to_string(remaining()) + " bytes remain");
  }
  Field f{data_ + position_, count};
  position_ += static_cast<size_t>(count * elem);
  return f;
}

void Walker::skip(const std::string& field, uint64_t bytes) {
  if (bytes > remaining()) {
    fail(field, "needs " + std::to_string(bytes) + " bytes but only " + std::to_string(remaining()) + " remain");
  }
  position_ += static_cast<size_t>(bytes);
}

Summary Walker::header(const std::string& path) {
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

void Walker::expect_equal(const std::string& field, uint64_t actual, uint64_t expected, const char* what) {
  if (actual != expected) {
    fail(field, "is " + std::to_string(actual) + " but " + what + " needs " + std::to_string(expected));
  }
}

Summary Walker::flat(const std::string& path) {
  Summary s = header(path);
  const Field codes = vector(path + ".codes", 4);  // READXBVECTOR: a count of floats
  expect_equal(path + ".codes.size", codes.count, static_cast<uint64_t>(s.ntotal) * static_cast<uint64_t>(s.d), "ntotal × d");
  s.is_flat = true;
  return s;
}

}  // namespace serialized

void validate_serialized(const uint8_t* data, size_t size) {
  serialized::Walker walker(data, size);
  walker.index("index", 0);
  walker.finish();
}

}  // namespace vis
