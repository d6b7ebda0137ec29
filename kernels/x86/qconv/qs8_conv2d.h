// Microkernels of the u8 x s8 NCHW conv2d as a GEMM per group, Y[co][p] = sum_k W[co][k] * X[k][p]:
// weights are the rows (broadcast G values at a time), output pixels the vector lanes. Operands come
// in k-groups of G ("c<G>"): W's MR rows packed as [k / G][MR][G] (once at create); X's NR pixels as
// G-interleaved vectors [NR][G] at x + x_offsets[k-group] bytes (an im2col panel packed per call, or
// the channel-interleaved padded image itself: implicit GEMM, whose pixels are then positions of the
// padded image's grid, those past the output width computed and not stored). One call computes a whole tile
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
  const int64_t* x_offsets = nullptr;  // [groups]: bytes from x to each k-group's pixels
  const int32_t* init = nullptr;  // [MR]: the accumulators' start per row (bias - x_zp * rowsum)
  int64_t mr = 0, nr = 0;         // valid rows (<= MR) and pixels (<= NR); the rest is not stored
  // Output: row i, pixel j at y[i * ldy + j] (uint8 or float); residual likewise (float out, or null).
  // With grid_w > 0 pixel j is grid position q = grid_q0 + j, stored (q % grid_w < out_w only) at
  // y[i * ldy + (q / grid_w) * out_w + q % grid_w].
  int64_t grid_w = 0, grid_q0 = 0, out_w = 0;
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

// For the `lanes` pixels from tile pixel j, calls store(offset, first, count) for each run of lanes
// [first, first + count) that are output pixels: lane l of the run goes to output element offset + l
// of the row (offset may be below the run's first element; only the run's lanes are touched).
template <typename Store>
inline void for_each_output_run(const QConvUkernelParams& p, int64_t j, int64_t lanes, Store&& store) {
  if (p.grid_w == 0) {
    store(j, 0, lanes);
    return;
  }
  for (int64_t l = 0; l < lanes;) {
    const int64_t q = p.grid_q0 + j + l, oh = q / p.grid_w, ow = q % p.grid_w;
    const int64_t run = lanes - l < p.grid_w - ow ? lanes - l : p.grid_w - ow;
    const int64_t valid = run < p.out_w - ow ? run : p.out_w - ow;
    if (valid > 0) store(oh * p.out_w + ow - l, l, valid);
    l += run;
  }
}

// out[j * G + e] = rows[e][j * stride] for j < n, e < G (G = 4: bytes; G = 2: widened to int16).
using QConvInterleave = void (*)(const uint8_t* const* rows, int64_t n, int64_t stride, void* out);

// <rows>x<pixels>c<G>.
void qs8_conv2d_8x32c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_4x64c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_6x64c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_12x32c4__avx512vnni(const QConvUkernelParams& p);
void qs8_conv2d_4x24c2__avx2(const QConvUkernelParams& p);

// The output stage alone, for accumulators computed elsewhere (the sparse INT8 conv): rows [0, p.mr) of
// a tile of int32 accumulators, row i at tile + 64 * i (64-byte aligned), pixels [0, p.nr <= 64).
void qs8_conv2d_store_tile__avx512vnni(const QConvUkernelParams& p, const int32_t* tile);

void qs8_conv2d_interleave_c4__avx512vnni(const uint8_t* const* rows, int64_t n, int64_t stride, void* out);
void qs8_conv2d_interleave_c2__avx2(const uint8_t* const* rows, int64_t n, int64_t stride, void* out);

}  // namespace edgerun::kernels::x86
