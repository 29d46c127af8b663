// The byte walk (vis_walker.h) over indexes that hold another index: HNSW (graph, then its storage), IDMap / IDMap2,
// Refine (base and refine index) and PreTransform (a chain of vector transforms, then the index).
#include "vis_walker.h"

#include <string>
#include <utility>

namespace vis::serialized {

Summary Walker::hnsw(const std::string& path, uint32_t h, int depth) {
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

Summary Walker::idmap(const std::string& path, int depth) {
  Summary s = header(path);
  const Summary inner = index(path + ".index", depth + 1);
  expect_equal(path + ".index.d", static_cast<uint64_t>(inner.d), static_cast<uint64_t>(s.d), "the index dimension");
  expect_equal(path + ".index.ntotal", static_cast<uint64_t>(inner.ntotal), static_cast<uint64_t>(s.ntotal), "ntotal");
  const Field ids = vector(path + ".id_map", 8);
  expect_equal(path + ".id_map.size", ids.count, static_cast<uint64_t>(s.ntotal), "ntotal");
  return s;
}

Summary Walker::refine(const std::string& path, int depth) {
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

std::pair<int, int> Walker::transform(const std::string& path) {
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

Summary Walker::pretransform(const std::string& path, int depth) {
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

}  // namespace vis::serialized
