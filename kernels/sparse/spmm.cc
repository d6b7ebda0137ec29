#include "kernels/sparse/spmm.h"

#include <algorithm>

namespace edgerun::kernels {

void f32_spmm__ref(const SpmmParams& p) {
  const BlockSparseMatrix<float>& a = *p.a;
  const bool first = p.k_block == 0, last = p.k_block + 1 == a.k_blocks();
  for (int64_t rb = p.block_row_begin; rb < p.block_row_end; ++rb) {
    const int64_t r0 = rb * a.block_rows, rows = std::min(a.block_rows, a.rows - r0);
    const int64_t segment = rb * a.k_blocks() + p.k_block;
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t r = r0 + i;
      for (int64_t j = 0; j < p.n; ++j) {
        const int64_t at = p.transposed_c ? j * p.ldc + r : r * p.ldc + j;
        const int64_t res_at = p.transposed_c ? j * p.ld_residual + r : r * p.ld_residual + j;
        float acc = p.c[at];
        if (first) {
          acc = p.row_bias != nullptr ? p.row_bias[r] : 0.0f;
          if (p.residual != nullptr) acc += p.residual[res_at];
        }
        for (int32_t s = a.block_begin[segment]; s < a.block_begin[segment + 1]; ++s) {
          const int64_t k = a.block_col[s];
          acc += a.values[s * a.block_rows + i] * p.b[(p.b_rows != nullptr ? p.b_rows[k] : k * p.ldb) + j];
        }
        p.c[at] = last ? std::min(std::max(acc, p.min), p.max) : acc;
      }
    }
  }
}

void spmm(SpmmUkernel ukernel, const SpmmParams& p) {
  for (int64_t j0 = 0; j0 < p.n; j0 += kSpmmTile) {
    SpmmParams tile = p;
    tile.b += j0;
    tile.c += p.transposed_c ? j0 * p.ldc : j0;
    if (tile.residual != nullptr) tile.residual += p.transposed_c ? j0 * p.ld_residual : j0;
    tile.n = std::min(kSpmmTile, p.n - j0);
    for (tile.k_block = 0; tile.k_block < p.a->k_blocks(); ++tile.k_block) ukernel(tile);
  }
}

SpmmUkernel choose_spmm(Isa isa, int64_t block_rows) {
  struct Entry {
    Isa isa;
    int64_t block_rows;
    SpmmUkernel ukernel;
  };
  static const Entry table[] = {
      {Isa::kAvx512, 4, x86::f32_spmm_4x64__avx512},
      {Isa::kAvx512, 2, x86::f32_spmm_2x64__avx512},
      {Isa::kAvx512, 1, x86::f32_spmm_1x64__avx512},
      {Isa::kAvx2, 4, x86::f32_spmm_4x16__avx2},
      {Isa::kAvx2, 2, x86::f32_spmm_2x32__avx2},
      {Isa::kAvx2, 1, x86::f32_spmm_1x32__avx2},
  };
  for (const Entry& e : table) {
    if (e.isa == isa && e.block_rows == block_rows) return e.ukernel;
  }
  return f32_spmm__ref;
}

}  // namespace edgerun::kernels
