// Microkernels of the Winograd 3x3 stride-1 convolution F(m x m, 3 x 3) (Lavin & Gray 2015), one set
// per ISA and output tile m, on raw pointers. The orchestration (weight transform, tiling, threads)
// is kernels/conv/conv2d_winograd.cc.
//
// Layouts, with T = m + 2 the input tile side, xi in [0, T*T) the transformed coordinate and a group
// of `width` output tiles (lanes, a multiple of `lanes`) processed together:
//   V[xi][c][lane]   transformed input tiles, width lanes per channel row
//   U[xi][kb][c][mr] transformed weights, output channels in blocks of mr (zero padded)
//   M[xi][k][lane]   transformed outputs, M[xi] = U[xi] * V[xi] over c
// The transforms work on segments: runs of at most `lanes` tiles that are neighbours in one tile row
// of one image, so every input or output row of a segment is one contiguous stretch of memory.
#pragma once

#include <cstdint>

namespace edgerun::kernels {

struct WinogradSegments {
  int64_t size;
  const int32_t* lane;        // first lane in V / M
  const int32_t* count;       // tiles, 1 .. lanes
  const int32_t* in_offset;   // n * in_channels * in_h * in_w + in_y0 * in_w + in_x0 (may be negative)
  const int32_t* in_y0;       // top row of the first input tile (out_y0 - pad_top; may be negative)
  const int32_t* in_x0;       // left column of the first input tile
  const int32_t* out_offset;  // n * out_channels * out_h * out_w + out_y0 * out_w + out_x0
  const int32_t* out_y0;
  const int32_t* out_x0;
};

struct WinogradInputArgs {
  const float* x;          // channel 0 of image 0
  int64_t channel_stride;  // in_h * in_w
  int64_t channels;
  int32_t in_h, in_w;
  WinogradSegments segments;
  int64_t width;     // lanes, a multiple of WinogradUkernels::lanes
  float* v;          // V, T*T coordinates of channels * width floats
  int64_t v_stride;  // floats from one coordinate to the next, >= channels * width
};

// M may be read up to `lanes` floats past its end (pad the buffer).
struct WinogradOutputArgs {
  const float* m;          // M, T*T coordinates of rows * width floats
  int64_t m_stride;        // floats from one coordinate to the next, >= rows * width
  int64_t rows;            // output channels k0 .. k0 + rows
  const float* bias;       // bias of channel k0, or null
  const float* residual;   // like y (may alias it), or null
  float* y;                // channel k0 of image 0
  int64_t channel_stride;  // out_h * out_w
  int32_t out_h, out_w;
  WinogradSegments segments;
  int64_t width;
  float min, max;
};

struct WinogradUkernels {
  int tile;   // m: outputs per tile side
  int mr;     // output channels per GEMM microkernel call
  int nr;     // lanes per GEMM microkernel call
  int lanes;  // lanes per vector: the granularity of width, and of gemm_tail
  void (*input)(const WinogradInputArgs& args);
  // M rows [0, rows) of one coordinate and nr lanes: m[r * ldm + lane] = sum_c u[c * mr + r] * v[c * ldv + lane].
  void (*gemm)(int64_t channels, const float* u, const float* v, int64_t ldv, float* m, int64_t ldm, int64_t rows);
  // The same for `lanes` lanes, for widths that are not a multiple of nr.
  void (*gemm_tail)(int64_t channels, const float* u, const float* v, int64_t ldv, float* m, int64_t ldm, int64_t rows);
  void (*output)(const WinogradOutputArgs& args);
};

extern const WinogradUkernels f32_winograd_2x2_6x16__avx2;
extern const WinogradUkernels f32_winograd_4x4_6x16__avx2;
extern const WinogradUkernels f32_winograd_2x2_8x32__avx512;
extern const WinogradUkernels f32_winograd_4x4_8x32__avx512;

}  // namespace edgerun::kernels
