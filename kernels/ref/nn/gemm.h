// Reference matrix product, shared by Gemm, MatMul, Conv (after im2col), ConvTranspose and the
// integer ops. One tiled loop nest, written once: callers say how to read an operand element (with
// its transpose, scale or zero point applied) and in which type to accumulate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/ref/omp.h"

namespace edgerun::ref {

// Tile sizes: a packed A block (64 x 256) and B panel (256 x 256) stay in L2.
constexpr int64_t kGemmTileM = 64;
constexpr int64_t kGemmTileN = 256;
constexpr int64_t kGemmTileK = 256;

// c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0) + sum_k load_a(i, k) * load_b(k, j), for i < m,
// j < n. load_a / load_b return values of type Acc and are called once per element and tile while
// packing. Each (m, n) tile belongs to one thread and sums over k in order, so the result does not
// depend on the thread count.
template <typename Acc, typename LoadA, typename LoadB>
void gemm_tiled(int64_t m, int64_t n, int64_t k, const LoadA& load_a, const LoadB& load_b, Acc* c, int64_t ldc,
                bool accumulate) {
  if (m <= 0 || n <= 0) return;
  const int64_t tiles_n = (n + kGemmTileN - 1) / kGemmTileN;
  const int64_t tiles = (m + kGemmTileM - 1) / kGemmTileM * tiles_n;
  EDGERUN_OMP(parallel if (tiles > 1))
  {
    std::vector<Acc> a_pack(static_cast<size_t>(kGemmTileM * kGemmTileK));
    std::vector<Acc> b_pack(static_cast<size_t>(kGemmTileK * kGemmTileN));
    EDGERUN_OMP(for schedule(static))
    for (int64_t t = 0; t < tiles; ++t) {
      const int64_t i0 = t / tiles_n * kGemmTileM;
      const int64_t j0 = t % tiles_n * kGemmTileN;
      const int64_t mb = std::min(kGemmTileM, m - i0);
      const int64_t nb = std::min(kGemmTileN, n - j0);
      if (!accumulate) {
        for (int64_t i = 0; i < mb; ++i) std::fill_n(c + (i0 + i) * ldc + j0, nb, Acc(0));
      }
      for (int64_t k0 = 0; k0 < k; k0 += kGemmTileK) {
        const int64_t kb = std::min(kGemmTileK, k - k0);
        for (int64_t i = 0; i < mb; ++i) {
          for (int64_t p = 0; p < kb; ++p) a_pack[static_cast<size_t>(i * kb + p)] = load_a(i0 + i, k0 + p);
        }
        for (int64_t p = 0; p < kb; ++p) {
          for (int64_t j = 0; j < nb; ++j) b_pack[static_cast<size_t>(p * nb + j)] = load_b(k0 + p, j0 + j);
        }
        for (int64_t i = 0; i < mb; ++i) {
          Acc* __restrict crow = c + (i0 + i) * ldc + j0;
          const Acc* arow = a_pack.data() + i * kb;
          for (int64_t p = 0; p < kb; ++p) {
            const Acc a = arow[p];
            const Acc* __restrict brow = b_pack.data() + p * nb;
            EDGERUN_OMP(simd)
            for (int64_t j = 0; j < nb; ++j) crow[j] += a * brow[j];
          }
        }
      }
    }
  }
}

// The accumulator of a T-typed product: T for floats; the unsigned type of the same width for
// integers, so that overflow wraps (as in two's complement) instead of being undefined.
template <typename T, bool = std::is_integral_v<T>>
struct GemmAccOf {
  using type = T;
};
template <typename T>
struct GemmAccOf<T, true> {
  using type = std::make_unsigned_t<T>;
};
template <typename T>
using GemmAcc = typename GemmAccOf<T>::type;

template <typename T>
struct GemmParams {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;  // A is stored k x m (lda >= m) / B is stored n x k
  int64_t lda = 0, ldb = 0, ldc = 0;      // row strides of A, B and C as stored
  T alpha = T(1);
  T beta = T(0);                          // 0: C is written without being read
};

// C = alpha * op(A) * op(B) + beta * C, all row-major.
template <typename T>
void gemm(const GemmParams<T>& p, const T* a, const T* b, T* c) {
  using Acc = GemmAcc<T>;
  Acc* cacc = reinterpret_cast<Acc*>(c);  // same type, or the unsigned variant: aliasing is allowed
  const bool accumulate = p.beta != T(0);
  if (accumulate && p.beta != T(1)) {
    for (int64_t i = 0; i < p.m; ++i) {
      for (int64_t j = 0; j < p.n; ++j) cacc[i * p.ldc + j] *= static_cast<Acc>(p.beta);
    }
  }
  const Acc alpha = static_cast<Acc>(p.alpha);
  auto load_a = [&](int64_t i, int64_t q) {
    return alpha * static_cast<Acc>(p.trans_a ? a[q * p.lda + i] : a[i * p.lda + q]);
  };
  auto load_b = [&](int64_t q, int64_t j) { return static_cast<Acc>(p.trans_b ? b[j * p.ldb + q] : b[q * p.ldb + j]); };
  gemm_tiled<Acc>(p.m, p.n, p.k, load_a, load_b, cacc, p.ldc, accumulate);
}

}  // namespace edgerun::ref
