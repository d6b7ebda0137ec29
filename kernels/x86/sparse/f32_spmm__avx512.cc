#include "kernels/x86/dwconv/f32_vec__avx512.h"
#include "kernels/x86/sparse/spmm_tiles.h"

namespace edgerun::kernels::x86 {

void f32_spmm_1x64__avx512(const SpmmParams& p) { spmm_tiles<F32x16, 1, 4>(p); }
void f32_spmm_2x64__avx512(const SpmmParams& p) { spmm_tiles<F32x16, 2, 4>(p); }
void f32_spmm_4x64__avx512(const SpmmParams& p) { spmm_tiles<F32x16, 4, 4>(p); }

}  // namespace edgerun::kernels::x86
