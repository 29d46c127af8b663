// Structural entry points: a description in factory-string syntax and the capability flags the managed side reads.
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
#include <faiss/invlists/InvertedLists.h>

#include "vis_guarded.h"
#include "vis_index_parts.h"

#include <cstring>
#include <stdexcept>
#include <string>

using vis::find_hnsw;
using vis::find_ivf;
using vis::guarded;
using vis::kBufferTooSmall;
using vis::kOk;
using vis::write_error;

namespace {

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

}  // namespace

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
