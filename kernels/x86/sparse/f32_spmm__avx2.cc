#include "kernels/x86/dwconv/f32_vec__avx2.h"
#include "kernels/x86/sparse/spmm_tiles.h"

namespace edgerun::kernels::x86 {

// 16 ymm registers: MR x NV accumulators, NV loads of B and a broadcast must fit.
void f32_spmm_1x32__avx2(const SpmmParams& p) { spmm_tiles<F32x8, 1, 4>(p); }
void f32_spmm_2x32__avx2(const SpmmParams& p) { spmm_tiles<F32x8, 2, 4>(p); }
void f32_spmm_4x16__avx2(const SpmmParams& p) { spmm_tiles<F32x8, 4, 2>(p); }

}  // namespace edgerun::kernels::x86
