// Implicit im2col of a conv's input into the panels of a GEMM's right operand, shared by the dense
// GEMM conv (kernels/conv/conv2d_gemm.h) and the sparse conv (kernels/sparse/conv2d_sparse.h).
#pragma once

#include <cstdint>

#include "kernels/conv/conv2d.h"
#include "kernels/x86/gemm/f32_gemm.h"

namespace edgerun::kernels {

// B[p][j] of one image and group for p in [k0, k0 + kc), j in [n0, n0 + n): the input element under
// kernel tap p (channel, ky, kx) for output pixel j, zero in the padding. Laid out in panels of nr
// columns, each kc x nr row-major (pack_b_panels' layout; one panel of nr >= n is a plain row-major
// [kc, nr] block); columns of the last panel past n are zero. Each row is copied in runs along an
// output row by the ISA's run copier.
// The portable run copier (x86::Im2colRun's contract): d[t] = row[iw0 + t * stride], 0 outside [0, in_w).
void f32_im2col_run__ref(const float* row, int64_t iw0, int64_t in_w, int64_t stride, int64_t len, float* d);

void pack_b_im2col(const Conv2dShape& s, x86::Im2colRun copy_run, const float* x, int64_t k0, int64_t kc, int64_t n0,
                   int64_t n, int64_t nr, float* dst);

}  // namespace edgerun::kernels
