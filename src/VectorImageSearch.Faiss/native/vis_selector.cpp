// The id filter of a search (see vis_search.h): a batch, a half-open range or a bitmap that knows its size and members.
#include "vis_search.h"

#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/IDSelector.h>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace vis {

Selector* Selector::batch(const idx_t* ids, size_t n) {
  std::unique_ptr<Selector> s(new Selector());
  s->kind_ = Kind::Batch;
  s->ids_.assign(ids, ids + n);
  std::sort(s->ids_.begin(), s->ids_.end());
  s->ids_.erase(std::unique(s->ids_.begin(), s->ids_.end()), s->ids_.end());
  s->count_ = s->ids_.size();
  s->inner_ = std::make_unique<faiss::IDSelectorBatch>(s->ids_.size(), s->ids_.data());
  return s.release();
}

Selector* Selector::range(idx_t begin, idx_t end) {
  std::unique_ptr<Selector> s(new Selector());
  s->kind_ = Kind::Range;
  s->begin_ = begin;
  s->end_ = std::max(begin, end);
  s->count_ = static_cast<size_t>(static_cast<uint64_t>(s->end_) - static_cast<uint64_t>(s->begin_));  // no signed overflow
  s->inner_ = std::make_unique<faiss::IDSelectorRange>(s->begin_, s->end_);
  return s.release();
}

Selector* Selector::bitmap(const uint8_t* bits, size_t bytes) {
  std::unique_ptr<Selector> s(new Selector());
  s->kind_ = Kind::Bitmap;
  s->bits_.assign(bits, bits + bytes);
  for (uint8_t b : s->bits_) s->count_ += static_cast<size_t>(__builtin_popcount(b));
  s->inner_ = std::make_unique<faiss::IDSelectorBitmap>(s->bits_.size(), s->bits_.data());
  return s.release();
}

void Selector::for_each(const std::function<void(idx_t)>& visit) const {
  switch (kind_) {
    case Kind::Batch:
      for (idx_t id : ids_) visit(id);
      break;
    case Kind::Range:
      for (idx_t id = begin_; id < end_; id++) visit(id);
      break;
    case Kind::Bitmap:
      for (size_t i = 0; i < bits_.size(); i++) {
        for (uint8_t b = bits_[i], bit = 0; b != 0; b >>= 1, bit++) {
          if (b & 1) visit(static_cast<idx_t>(i * 8 + bit));
        }
      }
      break;
  }
}

}  // namespace vis
