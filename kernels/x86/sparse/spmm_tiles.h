// The f32 SpMM microkernel body (kernels/sparse/spmm.h) for one vector type: V is F32x16 or F32x8
// (kernels/x86/dwconv/f32_vec__*.h). Include only from an ISA's __<isa>.cc file; internal linkage, as
// the vector types.
//
// Tiles of MR rows (one block row) by NV vectors of columns: per stored block, NV loads of B's row
// and MR broadcasts feed MR x NV multiply-adds.
#pragma once

#include <immintrin.h>

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

// One 128-bit lane of v as 4 floats (lane a constant after unrolling).
template <typename Reg>
__m128 lane_of(Reg v, int lane) {
  if constexpr (sizeof(Reg) == 64) {  // __m512 (is_same would drop its attributes)
    switch (lane) {
      case 0: return _mm512_maskz_extractf32x4_ps(0xF, v, 0);
      case 1: return _mm512_maskz_extractf32x4_ps(0xF, v, 1);
      case 2: return _mm512_maskz_extractf32x4_ps(0xF, v, 2);
      default: return _mm512_maskz_extractf32x4_ps(0xF, v, 3);
    }
  } else {
    return lane == 0 ? _mm256_castps256_ps128(v) : _mm256_extractf128_ps(v, 1);
  }
}

// a, b interleaved per 128-bit lane: unpacklo / unpackhi of floats (lo) and of float pairs (pd).
template <typename Reg>
Reg unpack_ps(Reg a, Reg b, bool hi) {
  if constexpr (sizeof(Reg) == 64) {  // __m512 (is_same would drop its attributes)
    return hi ? _mm512_maskz_unpackhi_ps(0xFFFF, a, b) : _mm512_maskz_unpacklo_ps(0xFFFF, a, b);
  } else {
    return hi ? _mm256_unpackhi_ps(a, b) : _mm256_unpacklo_ps(a, b);
  }
}
template <typename Reg>
Reg unpack_pairs(Reg a, Reg b, bool hi) {
  if constexpr (sizeof(Reg) == 64) {  // __m512 (is_same would drop its attributes)
    const __m512d x = _mm512_castps_pd(a), y = _mm512_castps_pd(b);
    return _mm512_castpd_ps(hi ? _mm512_maskz_unpackhi_pd(0xFF, x, y) : _mm512_maskz_unpacklo_pd(0xFF, x, y));
  } else {
    const __m256d x = _mm256_castps_pd(a), y = _mm256_castps_pd(b);
    return _mm256_castpd_ps(hi ? _mm256_unpackhi_pd(x, y) : _mm256_unpacklo_pd(x, y));
  }
}

// One vector of a block row of 4 rows (r0..r3: the rows' registers), its columns j0 + [0, cols), into
// C transposed: 4x4 transposes within 128-bit lanes give each column's 4 rows as one 4-float store,
// with the residual (transposed too) and the clamp. The registers come by value: an accumulator array
// whose address escapes is kept in memory by GCC.
template <typename V>
void store_transposed4(const SpmmParams& p, int64_t r0, int64_t j0, int64_t cols, typename V::Reg a0,
                       typename V::Reg a1, typename V::Reg a2, typename V::Reg a3) {
  const __m128 lo = _mm_set1_ps(p.min), hi = _mm_set1_ps(p.max);
  const auto t0 = unpack_ps(a0, a1, false), t1 = unpack_ps(a0, a1, true);
  const auto t2 = unpack_ps(a2, a3, false), t3 = unpack_ps(a2, a3, true);
  // Column 4L + t of the vector is lane L of out[t].
  const typename V::Reg out[4] = {unpack_pairs(t0, t2, false), unpack_pairs(t0, t2, true),
                                  unpack_pairs(t1, t3, false), unpack_pairs(t1, t3, true)};
  for (int lane = 0; lane < V::kLanes / 4; ++lane) {
    for (int t = 0; t < 4; ++t) {
      const int64_t j = 4 * lane + t;
      if (j >= cols) continue;
      __m128 y = lane_of(out[t], lane);
      if (p.residual != nullptr) y = _mm_add_ps(y, _mm_loadu_ps(p.residual + (j0 + j) * p.ld_residual + r0));
      _mm_storeu_ps(p.c + (j0 + j) * p.ldc + r0, _mm_min_ps(_mm_max_ps(y, lo), hi));
    }
  }
}

template <typename V, int MR, int NV, bool kTail>
void spmm_tile(const SpmmParams& p, int64_t j0, int64_t cols) {
  using Reg = typename V::Reg;
  const BlockSparseMatrix<float>& a = *p.a;
  const int64_t k_blocks = a.k_blocks();
  const bool first = p.k_block == 0, last = p.k_block + 1 == k_blocks;
  typename V::Mask mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) mask[v] = V::lanes(0, kTail ? cols - v * V::kLanes : V::kLanes);
  const Reg lo = V::set1(p.min), hi = V::set1(p.max);
  const int32_t* col = a.block_col.data();
  const float* w = a.values.data();
  for (int64_t rb = p.block_row_begin; rb < p.block_row_end; ++rb) {
    const int64_t r0 = rb * MR, rows = std::min<int64_t>(MR, a.rows - r0);
    Reg acc[MR][NV];
#pragma GCC unroll 4
    for (int i = 0; i < MR; ++i) {
      // Rows past the matrix (the last block's padding) are computed from row rows - 1's start and
      // never stored.
      const int64_t r = r0 + std::min<int64_t>(i, rows - 1);
      if (first) {
        const Reg bias = V::set1(p.row_bias != nullptr ? p.row_bias[r] : 0.0f);
        // Transposed C takes its (transposed) residual at the store.
        const float* res = p.residual != nullptr && !p.transposed_c ? p.residual + r * p.ld_residual + j0 : nullptr;
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
          acc[i][v] = res != nullptr ? V::add(bias, load_vec<V, kTail>(res + v * V::kLanes, mask[v])) : bias;
        }
      } else {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = load_vec<V, kTail>(p.c + r * p.ldc + j0 + v * V::kLanes, mask[v]);
      }
    }
    const int64_t segment = rb * k_blocks + p.k_block;
    const int32_t begin = a.block_begin[segment], end = a.block_begin[segment + 1];
    for (int32_t s = begin; s < end; ++s) {
      const float* brow = p.b + (p.b_rows != nullptr ? p.b_rows[col[s]] : col[s] * p.ldb) + j0;
      Reg bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = load_vec<V, kTail>(brow + v * V::kLanes, mask[v]);
#pragma GCC unroll 4
      for (int i = 0; i < MR; ++i) {
        const Reg wi = V::set1(w[static_cast<int64_t>(s) * MR + i]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(wi, bv[v], acc[i][v]);
      }
    }
    if constexpr (MR == 4) {
      if (p.transposed_c && rows == 4) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
          store_transposed4<V>(p, r0, j0 + v * V::kLanes, cols - v * V::kLanes, acc[0][v], acc[1][v], acc[2][v],
                               acc[3][v]);
        }
        continue;
      }
    }
    if (p.transposed_c) {  // a partial block row, or blocks of 1 or 2 rows: through a row buffer
      alignas(64) float row[NV * V::kLanes];
#pragma GCC unroll 4
      for (int i = 0; i < MR; ++i) {
        if (i >= rows) break;
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) V::store(row + v * V::kLanes, acc[i][v]);
        for (int64_t j = 0; j < cols; ++j) {
          float y = row[j] + (p.residual != nullptr ? p.residual[(j0 + j) * p.ld_residual + r0 + i] : 0.0f);
          p.c[(j0 + j) * p.ldc + r0 + i] = std::min(std::max(y, p.min), p.max);
        }
      }
      continue;
    }
    // i runs to the constant MR (not to rows) and every loop over acc is unrolled (the pragmas) so
    // that acc is indexed by constants only: GCC keeps a register array in registers only then (a
    // runtime index spills it every iteration).
#pragma GCC unroll 4
    for (int i = 0; i < MR; ++i) {
      if (i >= rows) break;
      float* crow = p.c + (r0 + i) * p.ldc + j0;
#pragma GCC unroll 4
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

// The last columns (fewer than a tile) with as few vectors as cover them: a 14x14 map's 196 columns
// end in 4, which a whole tile would compute 64 of.
template <typename V, int MR, int NV>
void spmm_tail(const SpmmParams& p, int64_t j0, int64_t cols) {
  if constexpr (NV > 1) {
    if (cols <= (NV - 1) * V::kLanes) return spmm_tail<V, MR, NV - 1>(p, j0, cols);
  }
  spmm_tile<V, MR, NV, true>(p, j0, cols);
}

template <typename V, int MR, int NV>
void spmm_tiles(const SpmmParams& p) {
  constexpr int64_t kNr = NV * V::kLanes;
  int64_t j0 = 0;
  for (; j0 + kNr <= p.n; j0 += kNr) spmm_tile<V, MR, NV, false>(p, j0, kNr);
  if (j0 < p.n) spmm_tail<V, MR, NV>(p, j0, p.n - j0);
}

}  // namespace
}  // namespace edgerun::kernels::x86
