// How the sparse kernels split their work over threads: items of (image x group, block of output
// columns, chunk of block rows). Rows are split only when the column blocks alone would leave threads
// idle (a ResNet's 7x7 maps are one block; BERT's 128 tokens are two tiles).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/gemm/f32_gemm.h"
#include "kernels/ref/omp.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

// Chunks of block rows per column item: about two items per thread in all, at most one per block row.
inline int64_t sparse_row_chunks(int threads, int64_t column_items, int64_t block_rows) {
  return std::clamp<int64_t>(ceil_div(2 * static_cast<int64_t>(threads), column_items), 1, block_rows);
}

// Calls item(image_group, column_block, row_chunk, thread_scratch) for every item on up to `threads`
// OpenMP threads, each with its own per_thread_bytes of `scratch`.
template <typename Item>
void for_each_sparse_item(int64_t image_groups, int64_t column_blocks, int64_t row_chunks,
                          [[maybe_unused]] int threads, void* scratch, int64_t per_thread_bytes, Item&& item) {
  const int64_t items = image_groups * column_blocks * row_chunks;
  EDGERUN_OMP(parallel num_threads(std::min<int64_t>(threads, gemm_max_threads()))) {
#if defined(_OPENMP)
    const int64_t thread = omp_get_thread_num();
#else
    const int64_t thread = 0;
#endif
    unsigned char* mine = static_cast<unsigned char*>(scratch) + thread * per_thread_bytes;
    EDGERUN_OMP(for schedule(static))
    for (int64_t i = 0; i < items; ++i) {
      item(i / row_chunks / column_blocks, i / row_chunks % column_blocks, i % row_chunks, mine);
    }
  }
}

}  // namespace edgerun::kernels
