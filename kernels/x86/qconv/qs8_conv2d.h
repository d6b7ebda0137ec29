// Microkernels of the u8 x s8 NCHW conv2d as a GEMM per group, Y[co][p] = sum_k W[co][k] * X[k][p]:
// weights are the rows (broadcast G values at a time), output pixels the vector lanes. Operands come
// in k-groups of G ("c<G>"): W's MR rows packed as [k / G][MR][G] (once at create); X's NR pixels as
// G-interleaved vectors [NR][G], x_stride bytes from one k-group to the next (an im2col panel packed
// per call, or the channel-interleaved image itself for a 1x1 stride 1 convolution). One call computes a whole tile
// over the depth and stores it through the fused output stage (uint8 requantization bit for bit as
// kernels/qgemm/requantize.h, or float(acc) * scale + residual, clamped, in that order, no FMA).
// Declared here without intrinsics; each ISA's file defines its tiles.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

struct QConvUkernelParams {
  int64_t groups = 0;             // k-groups of G along the depth
  const void* w = nullptr;        // the weight panel: int8 (c4) or int16 widened from int8 (c2)
  const void* x = nullptr;        // the activations: uint8 (c4) or int16 widened from uint8 (c2)
  int64_t x_stride = 0;           // bytes from k-group to k-group of x
  const int32_t* init = nullptr;  // [MR]: the accumulators' start per row (bias - x_zp * rowsum)
  int64_t mr = 0, nr = 0;         // valid rows (<= MR) and pixels (<= NR); the rest is not stored
  // Output: row i, pixel j at y[i * ldy + j] (uint8 or float); residual likewise (float out, or null).
  void* y = nullptr;
  const float* residual = nullptr;
  int64_t ldy = 0;
  bool float_output = false;
  const int32_t* multiplier = nullptr;  // [mr] uint8 out: each row's FixedPointScale
  const int32_t* shift = nullptr;
  int32_t zero_point = 0, lo = 0, hi = 255;
  const float* scale = nullptr;  // [mr] float out
  float min = 0, max = 0;
};

using QConvUkernel = void (*)(const QConvUkernelParams& p);

// out[j * G + e] = rows[e][j * stride] for j < n, e < G (G = 4: bytes; G = 2: widened to int16).
using QConvInterleave = void (*)(const uint8_t* const* rows, int64_t n, int64_t stride, void* out);

// <rows>x<pixels>c<G>.
void qs8_conv2d_8x32c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_4x64c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_6x64c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_12x32c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_4x24c2__avx2(const QConvUkernelParams& p);

void qs8_conv2d_interleave_c4__avx512vnni(const uint8_t* const* rows, int64_t n, int64_t stride, void* out);
void qs8_conv2d_interleave_c2__avx2(const uint8_t* const* rows, int64_t n, int64_t stride, void* out);

}  // namespace edgerun::kernels::x86
