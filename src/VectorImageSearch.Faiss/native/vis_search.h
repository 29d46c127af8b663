// Search with per-call parameters and id filters over FAISS 1.7.3 (see vis_search.cpp).
#pragma once

#include <faiss/Index.h>
#include <faiss/impl/IDSelector.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace vis {

using idx_t = faiss::Index::idx_t;

// An immutable set of allowed ids (a batch, a half-open range or a bitmap) shared read-only by any number of
// concurrent searches. It knows its size and can list its members, so a search can compare the few allowed vectors
// exactly instead of filtering a walk over all of them.
class Selector final : public faiss::IDSelector {
 public:
  static Selector* batch(const idx_t* ids, size_t n);
  static Selector* range(idx_t begin, idx_t end);
  static Selector* bitmap(const uint8_t* bits, size_t bytes);

  bool is_member(idx_t id) const override { return inner_->is_member(id); }

  // How many ids the set allows.
  size_t count() const { return count_; }

  // Calls visit(id) for every allowed id, in increasing order.
  void for_each(const std::function<void(idx_t)>& visit) const;

 private:
  Selector() = default;
  enum class Kind { Batch, Range, Bitmap } kind_ = Kind::Batch;
  std::vector<idx_t> ids_;      // Batch: sorted, unique
  idx_t begin_ = 0, end_ = 0;   // Range
  std::vector<uint8_t> bits_;   // Bitmap: id i allowed when bits_[i >> 3] has bit (i & 7)
  size_t count_ = 0;
  std::unique_ptr<faiss::IDSelector> inner_;
};

struct SearchOptions {
  int nprobe;                  // <= 0: the index's own
  int ef_search;               // <= 0: the index's own
  const Selector* filter;      // nullptr: every vector
  double exact_fraction;       // filter allows at most this fraction of ntotal: compare the allowed vectors exactly
};

// k-nearest-neighbour search with per-call parameters; never changes the index.
void search(const faiss::Index* index, idx_t n, const float* x, idx_t k, const SearchOptions& options,
            float* distances, idx_t* labels);

}  // namespace vis
