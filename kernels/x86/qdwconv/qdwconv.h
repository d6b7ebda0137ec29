// Depthwise u8 x s8 convolution microkernels over one NCHW plane (one image, one channel), vectorised
// along the output row. The caller first packs the plane (qs8_dwconv2d_pack_*) into "pairs": int32
// lanes holding two int16 values (x[c] - zero_point, x[c + dilation_w] - zero_point), zero past the
// edges (padding is the zero point, a real 0), one plane of pairs per phase c mod stride_w, so that
// every pair of horizontal taps is one contiguous vector load and one vpmaddwd / vpdpwssd against the
// broadcast weight pair (exact: |x - zp| <= 255, |w| <= 128, two products fit int32). Rows are padded
// too, so the plane kernel has no edge cases; row tails compute whole vectors and store through masks
// (float) or into a padded accumulator plane (int32, requantized afterwards by qs8_requantize_*).
// Declared here without intrinsics; qdwconv__<isa>.cc define them.
#pragma once

#include <cstdint>

namespace edgerun::kernels::x86 {

// Every packed row holds the output row rounded up to this many lanes (plus the taps' reach).
constexpr int64_t kQDwConvLanes = 16;

struct QDwConvPackArgs {
  const uint8_t* x = nullptr;  // [in_h, in_w]
  int64_t in_h = 0, in_w = 0;
  int32_t zero_point = 0;
  int64_t pad_top = 0, pad_left = 0;
  int64_t rows = 0;       // padded rows: (out_h - 1) * stride_h + (kernel_h - 1) * dilation_h + 1
  int64_t stride_w = 1;   // phases per row
  int64_t dilation_w = 1;
  int64_t row_pairs = 0;  // pairs per phase of a row
  int16_t* row = nullptr;  // scratch: row_pairs * stride_w + dilation_w values
  int32_t* pairs = nullptr;  // out: [rows][stride_w][row_pairs]
};

struct QDwConvPlaneArgs {
  const int32_t* pairs = nullptr;  // the packed plane (QDwConvPackArgs::pairs)
  int64_t row_pairs = 0;
  int64_t stride_h = 1;  // the packed row of output row oh, tap row 0, is oh * stride_h
  int64_t stride_w = 1;
  int64_t out_h = 0, out_w = 0;
  // Pair of taps t: weights[t] = (w[kh][2p], w[kh][2p + 1]) as two int16 (0 past kernel_w), read at
  // pairs + tap_offset[t] + packed row of oh * (stride_w * row_pairs) + ow.
  int64_t taps = 0;
  const int32_t* weights = nullptr;
  const int64_t* tap_offset = nullptr;
  int32_t bias = 0;
  // int32 out when acc is set: acc[oh * ld_acc + ow] = bias + sum, ld_acc >= out_w rounded up to
  // kQDwConvLanes (the padding lanes are written too).
  int32_t* acc = nullptr;
  int64_t ld_acc = 0;
  // float out otherwise: y = clamp(float(bias + sum) * scale + residual, min, max), residual optional
  // (may alias y); multiply then add, no FMA contraction.
  float* y = nullptr;
  const float* residual = nullptr;
  float scale = 1.0f, min = 0.0f, max = 0.0f;
};

void qs8_dwconv2d_pack__avx512vnni(const QDwConvPackArgs& a);
void qs8_dwconv2d_pack__avx2(const QDwConvPackArgs& a);
void qs8_dwconv2d_chw__avx512vnni(const QDwConvPlaneArgs& a);
void qs8_dwconv2d_chw__avx2(const QDwConvPlaneArgs& a);

}  // namespace edgerun::kernels::x86
