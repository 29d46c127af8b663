// The byte walk (vis_walker.h) over quantised codes: read_ProductQuantizer and read_ScalarQuantizer, and the PQ and SQ
// indexes that store them.
#include "vis_walker.h"

#include <string>

namespace vis::serialized {

size_t Walker::product_quantizer(const std::string& path, int d, uint64_t* ksub_out, uint64_t* m_out) {
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

Summary Walker::pq_index(const std::string& path, uint32_t h) {
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

size_t Walker::scalar_quantizer(const std::string& path, int d, bool trained) {
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

Summary Walker::sq_index(const std::string& path) {
  const size_t start = position_;
  Summary s = header(path);
  const bool trained = data_[start + 4 + 8 * 3] != 0;  // the header's is_trained byte
  const size_t code_size = scalar_quantizer(path + ".sq", s.d, trained);
  const Field codes = vector(path + ".codes", 1);
  expect_equal(path + ".codes.size", codes.count, static_cast<uint64_t>(s.ntotal) * code_size, "ntotal × code size");
  return s;
}

}  // namespace vis::serialized
