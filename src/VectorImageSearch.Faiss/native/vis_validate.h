// Checks that keep a malformed index from crashing the process or exhausting its memory (see vis_validate.cpp).
#pragma once

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace vis {

// A structural fault in a serialised or loaded index: the message names the field and what is wrong with it.
struct CorruptIndex : std::runtime_error {
  explicit CorruptIndex(const std::string& message) : std::runtime_error(message) {}
};

// Walks the bytes FAISS 1.7.3's read_index would read, before it reads them: every count against the bytes that
// remain, dimensions and code sizes within bounds and consistent between parts. Index types outside the ones this
// library builds and reads (Flat, PQ, SQ, IVF-Flat/-PQ/-SQ, HNSW-Flat/-PQ/-SQ, IDMap, IDMap2, Refine, PreTransform
// with linear, PCA, rotation, normalisation, centring or remapping transforms) are refused. Throws CorruptIndex.
void validate_serialized(const uint8_t* data, size_t size);

// Checks what a search of a loaded index trusts and the byte walk cannot see at once: HNSW graph links and levels,
// IVF direct maps, IDMap sizes. Throws CorruptIndex.
void validate_loaded(const faiss::Index* index);

}  // namespace vis
