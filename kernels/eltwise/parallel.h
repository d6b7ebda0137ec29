// Splits [0, n) into one contiguous range per thread when there is enough work: ranges of at least
// `grain` items (a parallel region costs a few microseconds, more than a small tensor's whole op), and
// none when already inside a parallel region. Without OpenMP, one range.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

// Calls fn(begin, end) for disjoint ranges covering [0, n); range starts are multiples of `align`.
template <typename Fn>
void parallel_ranges(int64_t n, int64_t grain, int64_t align, Fn&& fn) {
#if defined(_OPENMP)
  const int64_t threads = std::min<int64_t>(omp_get_max_threads(), n / std::max<int64_t>(grain, 1));
  if (threads > 1 && !omp_in_parallel()) {
    const int64_t chunk = ((n + threads - 1) / threads + align - 1) / align * align;
    EDGERUN_OMP(parallel num_threads(static_cast<int>(threads))) {
      const int64_t begin = std::min<int64_t>(n, omp_get_thread_num() * chunk);
      const int64_t end = std::min<int64_t>(n, begin + chunk);
      if (begin < end) fn(begin, end);
    }
    return;
  }
#else
  (void)grain;
  (void)align;
#endif
  if (n > 0) fn(int64_t{0}, n);
}

}  // namespace edgerun::kernels
