// The byte walk (vis_walker.h) over an IVF index: read_ivf_header, its coarse quantiser, the type-specific fields and
// read_InvertedLists, with every list size checked against the bytes that remain.
#include "vis_walker.h"

#include <algorithm>
#include <string>
#include <vector>

namespace vis::serialized {

Summary Walker::ivf(const std::string& path, uint32_t h, int depth) {
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

void Walker::inverted_lists(const std::string& path, uint64_t nlist, size_t code_size, uint64_t ntotal) {
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

}  // namespace vis::serialized
