// Depthwise u8 x s8 convolution microkernels over one NCHW plane (one image, one channel), vectorised
// along the output row; the caller packs the plane first, padding included, so the kernels have no edge
// cases. Two packings:
//  c4 (AVX-512 VNNI): the plane as bytes with rows and columns padded by the zero point; each group of
//    4 horizontal taps of 16 outputs is one 64-byte load, one vpermd + vpshufb that gather every
//    output's 4 input bytes into its int32 lane, and one vpdpbusd against the broadcast weight quad.
//    The zero point comes off once: acc starts at bias - zp * sum(w), exact because padding holds zp.
//    Lane k of the gather reads bytes [4k * stride_w, 4k * stride_w + 16): needs 3 (stride_w +
//    dilation_w) <= 15.
//  c2 (AVX2): int32 lanes holding two int16 (x[c] - zp, x[c + dilation_w] - zp), 0 in the padding, one
//    plane of pairs per phase c mod stride_w; each pair of horizontal taps is one load and one vpmaddwd
//    (exact: |x - zp| <= 255, |w| <= 128). Any stride and dilation.
// Row tails compute whole vectors and store through masks: uint8 requantized in the kernel (c4), float,
// or int32 into a padded accumulator plane (c2, requantized afterwards by qs8_requantize_*).
// Declared here without intrinsics.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

// Rows are computed in whole vectors of this many outputs (the c2 rows and accumulator planes are
// padded to it).
constexpr int64_t kQDwConvLanes = 16;
// c4: bytes each padded row holds past the start of its last load.
constexpr int64_t kQDwConvC4Load = 64;

struct QDwConvC2PackArgs {
  const uint8_t* x = nullptr;  // [in_h, in_w]
  int64_t in_h = 0, in_w = 0;
  int32_t zero_point = 0;
  int64_t pad_top = 0, pad_left = 0;
  int64_t rows = 0;  // padded rows: (out_h - 1) * stride_h + (kernel_h - 1) * dilation_h + 1
  int64_t stride_w = 1;
  int64_t dilation_w = 1;
  int64_t row_pairs = 0;     // pairs per phase of a row
  int16_t* row = nullptr;    // scratch: row_pairs * stride_w + dilation_w values
  int32_t* pairs = nullptr;  // out: [rows][stride_w][row_pairs]
};

struct QDwConvPlaneArgs {
  const void* packed = nullptr;  // c4: uint8 [rows][row_stride]; c2: int32 pairs [rows][row_stride]
  int64_t row_stride = 0;        // elements per padded row (c2: all phases)
  int64_t stride_h = 1, stride_w = 1, dilation_w = 1;
  int64_t out_h = 0, out_w = 0;
  // Group of taps t: weights[t] (c4: 4 int8, c2: 2 int16; 0 past kernel_w) at packed offset
  // tap_offset[t] from output (oh, ow)'s start: row oh * stride_h, column ow * stride_w (c4) or ow (c2).
  int64_t taps = 0;
  const int32_t* weights = nullptr;
  const int64_t* tap_offset = nullptr;
  int32_t init = 0;  // the accumulators' start: bias (c2), bias - zp * sum(w) (c4)
  // c4: the vpermd indices (16 int32: 128-bit lane k takes the 16 bytes from 4k * stride_w, output
  // 4k's first column) and vpshufb pattern (64 bytes: int32 lane i of lane k takes bytes
  // i * stride_w + q * dilation_w, the taps q = 0..3 of output 4k + i): qdwconv_c4_pattern.
  const int32_t* c4_index = nullptr;
  const uint8_t* c4_pattern = nullptr;
  // uint8 out when yq is set (c4): yq[oh * out_w + ow] = kernels/qgemm/requantize.h's
  // requantize(acc, {multiplier, shift}, zero_point, lo, hi), bit for bit.
  uint8_t* yq = nullptr;
  int32_t multiplier = 0, shift = 1, zero_point = 0, lo = 0, hi = 255;
  // int32 out when acc is set (c2): acc[oh * ld_acc + ow], ld_acc >= out_w rounded up to kQDwConvLanes
  // (the padding lanes are written too).
  int32_t* acc = nullptr;
  int64_t ld_acc = 0;
  // float out otherwise: y = clamp(float(acc) * scale + residual, min, max), residual optional (may
  // alias y); multiply then add, no FMA contraction.
  float* y = nullptr;
  const float* residual = nullptr;
  float scale = 1.0f, min = 0.0f, max = 0.0f;
};

// Fills QDwConvPlaneArgs::c4_index / c4_pattern for a stride and dilation along the row.
inline void qdwconv_c4_pattern(int64_t stride_w, int64_t dilation_w, int32_t index[16], uint8_t pattern[64]) {
  for (int64_t k = 0; k < 4; ++k) {
    for (int64_t i = 0; i < 4; ++i) {
      index[4 * k + i] = static_cast<int32_t>(k * stride_w + i);
      for (int64_t q = 0; q < 4; ++q) pattern[16 * k + 4 * i + q] = static_cast<uint8_t>(i * stride_w + q * dilation_w);
    }
  }
}

void qs8_dwconv2d_pack_c2__avx2(const QDwConvC2PackArgs& a);
void qs8_dwconv2d_chw_c2__avx2(const QDwConvPlaneArgs& a);
void qs8_dwconv2d_chw_c4__avx512vnni(const QDwConvPlaneArgs& a);

}  // namespace edgerun::kernels::x86
