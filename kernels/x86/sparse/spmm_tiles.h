// The f32 SpMM microkernel body (kernels/sparse/spmm.h) for one vector type: V is F32x16 or F32x8
// (kernels/x86/dwconv/f32_vec__*.h). Include only from an ISA's __<isa>.cc file; internal linkage, as
// the vector types.
//
// Tiles of MR rows (one block row) by NV vectors of columns: per stored block, NV loads of B's row
// and MR broadcasts feed MR x NV multiply-adds.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/sparse/spmm.h"

namespace edgerun::kernels::x86 {
namespace {

// The vector at q (kTail: the lanes in mask, zeros elsewhere). Returned by value: an accumulator
// array whose address escapes (an out-parameter) is kept in memory by GCC, spilled every iteration.
template <typename V, bool kTail>
typename V::Reg load_vec(const float* q, typename V::Mask mask) {
  if constexpr (kTail) {
    return V::load(q, mask, V::set1(0.0f));
  } else {
    return V::load(q);
  }
}

template <typename V, int MR, int NV, bool kTail>
void spmm_tile(const SpmmParams& p, int64_t j0, int64_t cols) {
  using Reg = typename V::Reg;
  const BlockSparseMatrix<float>& a = *p.a;
  const int64_t k_blocks = a.k_blocks();
  const bool first = p.k_block == 0, last = p.k_block + 1 == k_blocks;
  typename V::Mask mask[NV];
  for (int v = 0; v < NV; ++v) mask[v] = V::lanes(0, kTail ? cols - v * V::kLanes : V::kLanes);
  const Reg lo = V::set1(p.min), hi = V::set1(p.max);
  const int32_t* col = a.block_col.data();
  const float* w = a.values.data();
  for (int64_t rb = p.block_row_begin; rb < p.block_row_end; ++rb) {
    const int64_t r0 = rb * MR, rows = std::min<int64_t>(MR, a.rows - r0);
    Reg acc[MR][NV];
    for (int i = 0; i < MR; ++i) {
      // Rows past the matrix (the last block's padding) are computed from row rows - 1's start and
      // never stored.
      const int64_t r = r0 + std::min<int64_t>(i, rows - 1);
      if (first) {
        const Reg bias = V::set1(p.row_bias != nullptr ? p.row_bias[r] : 0.0f);
        const float* res = p.residual != nullptr ? p.residual + r * p.ld_residual + j0 : nullptr;
        for (int v = 0; v < NV; ++v) {
          acc[i][v] = res != nullptr ? V::add(bias, load_vec<V, kTail>(res + v * V::kLanes, mask[v])) : bias;
        }
      } else {
        for (int v = 0; v < NV; ++v) acc[i][v] = load_vec<V, kTail>(p.c + r * p.ldc + j0 + v * V::kLanes, mask[v]);
      }
    }
    const int64_t segment = rb * k_blocks + p.k_block;
    const int32_t begin = a.block_begin[segment], end = a.block_begin[segment + 1];
    for (int32_t s = begin; s < end; ++s) {
      const float* brow = p.b + static_cast<int64_t>(col[s]) * p.ldb + j0;
      Reg bv[NV];
      for (int v = 0; v < NV; ++v) bv[v] = load_vec<V, kTail>(brow + v * V::kLanes, mask[v]);
      for (int i = 0; i < MR; ++i) {
        const Reg wi = V::set1(w[static_cast<int64_t>(s) * MR + i]);
        for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(wi, bv[v], acc[i][v]);
      }
    }
    // i runs to the constant MR (not to rows) so that acc is indexed by constants only: GCC keeps a
    // register array in registers only then (a runtime index spills it every iteration).
    for (int i = 0; i < MR; ++i) {
      if (i >= rows) break;
      float* crow = p.c + (r0 + i) * p.ldc + j0;
      for (int v = 0; v < NV; ++v) {
        const Reg y = last ? V::min(V::max(acc[i][v], lo), hi) : acc[i][v];
        if constexpr (kTail) {
          V::store(crow + v * V::kLanes, y, mask[v]);
        } else {
          V::store(crow + v * V::kLanes, y);
        }
      }
    }
  }
}

template <typename V, int MR, int NV>
void spmm_tiles(const SpmmParams& p) {
  constexpr int64_t kNr = NV * V::kLanes;
  int64_t j0 = 0;
  for (; j0 + kNr <= p.n; j0 += kNr) spmm_tile<V, MR, NV, false>(p, j0, kNr);
  if (j0 < p.n) spmm_tile<V, MR, NV, true>(p, j0, p.n - j0);
}

}  // namespace
}  // namespace edgerun::kernels::x86
