// Extension entry points over FAISS 1.7.3 for VectorImageSearch.Faiss (see CMakeLists.txt).
#include <omp.h>

#define VIS_EXPORT extern "C" __attribute__((visibility("default")))

// The number of OpenMP threads FAISS uses for the calls that follow in this process.
VIS_EXPORT int vis_faiss_get_num_threads() { return omp_get_max_threads(); }

VIS_EXPORT void vis_faiss_set_num_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}
