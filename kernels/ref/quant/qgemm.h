// Reference integer matrix product with zero points, exact in int32 (wrapping on overflow like the
// two's complement accumulators of ONNX Runtime).
#pragma once

#include <cstdint>

#include "kernels/ref/nn/gemm.h"

namespace edgerun::ref {

// A zero point given once (per tensor) or once per row of A / column of B.
template <typename T>
struct ZeroPoints {
  const T* values = nullptr;  // null: all zero
  bool per_channel = false;
  int32_t at(int64_t i) const { return values == nullptr ? 0 : static_cast<int32_t>(values[per_channel ? i : 0]); }
};

// c[i * ldc + j] = sum_k (a[i * lda + k] - a_zp(i)) * (b[k * ldb + j] - b_zp(j)), row-major A [m, k], B [k, n].
template <typename TA, typename TB>
void qgemm(int64_t m, int64_t n, int64_t k, const TA* a, int64_t lda, ZeroPoints<TA> a_zp, const TB* b, int64_t ldb,
           ZeroPoints<TB> b_zp, int32_t* c, int64_t ldc) {
  auto load_a = [&](int64_t i, int64_t q) {
    return static_cast<uint32_t>(static_cast<int32_t>(a[i * lda + q]) - a_zp.at(i));
  };
  auto load_b = [&](int64_t q, int64_t j) {
    return static_cast<uint32_t>(static_cast<int32_t>(b[q * ldb + j]) - b_zp.at(j));
  };
  gemm_tiled<uint32_t>(m, n, k, load_a, load_b, reinterpret_cast<uint32_t*>(c), ldc, false);
}

}  // namespace edgerun::ref
