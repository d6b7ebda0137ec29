// The batched matmul table, best first, and the portable entry.
#include "kernels/gemm/matmul.h"

#include "kernels/gemm/f32_matmul.h"
#include "kernels/ref/nn/gemm.h"

namespace edgerun::kernels {

namespace {

void matmul_f32_ref(const MatMulArgs& x) {
  for (int64_t b = 0; b < x.batch; ++b) {
    const float* a = x.a + b * x.a_batch_stride;
    const float* bm = x.b + b * x.b_batch_stride;
    auto load_a = [&](int64_t i, int64_t p) { return a[i * x.a_row_stride + p * x.a_col_stride]; };
    auto load_b = [&](int64_t p, int64_t j) { return bm[p * x.b_row_stride + j * x.b_col_stride]; };
    ref::gemm_tiled<float>(x.m, x.n, x.k, load_a, load_b, x.c + b * x.m * x.n, x.n, false);
  }
}

}  // namespace

const std::vector<MatMulF32Impl>& matmul_f32_impls() {
  static const std::vector<MatMulF32Impl> table = {
      {"f32_matmul_gemm__avx512", Isa::kAvx512, matmul_gemm<Isa::kAvx512>},
      {"f32_matmul_gemm__avx2", Isa::kAvx2, matmul_gemm<Isa::kAvx2>},
      {"f32_matmul__ref", Isa::kRef, matmul_f32_ref},
  };
  return table;
}

const MatMulF32Impl& choose_matmul_f32() {
  for (const MatMulF32Impl& impl : matmul_f32_impls()) {
    if (isa_usable(impl.isa)) return impl;
  }
  return matmul_f32_impls().back();
}

}  // namespace edgerun::kernels
