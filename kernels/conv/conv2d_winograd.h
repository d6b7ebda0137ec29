// Winograd convolution F(m x m, 3 x 3) for 3x3, stride 1, dilation 1, ungrouped layers (NCHW f32):
// 4x fewer multiplies with m = 4 (6x6 tiles), 2.25x with m = 2 (4x4 tiles, smaller rounding error).
// create() transforms and packs the weights once; run() transforms groups of input tiles, multiplies
// per transformed coordinate (a [out_channels x in_channels] x [in_channels x tiles] product) and
// transforms back with the fused epilogue. The microkernels are kernels/x86/winograd/.
#pragma once

#include "kernels/conv/conv2d.h"
#include "kernels/x86/winograd/winograd_ukernels.h"

namespace edgerun::kernels {

// The shapes the kernels compute correctly: 3x3, stride 1, dilation 1, groups 1, any size and padding.
// supports() below adds where they are also fast; tests call create() on every applicable shape.
bool conv2d_winograd_applicable(const Conv2dShape& shape);

// Where F(kTile x kTile) pays: >= 16 input and output channels and >= kMinTiles output tiles over the
// batch. The transformed weights are (kTile + 2)^2 / 9 times the direct ones (4x for F(4x4), 1.8x for
// F(2x2)) and each is reused once per tile, so small images make the layer weight-bound.
// Measured on this Zen 5 (one core, CPU time; FMA peak 215 GFLOP/s with AVX-512, 108 with AVX2), in
// GFLOP/s-equivalent (direct FLOPs / time) against a direct / im2col GEMM at 85% of the same ISA's
// peak (183 AVX-512, 92 AVX2):
// - AVX-512 F(4x4): 262-545 from 16 tiles up (ResNet 14x14 .. 56x56, FCN 65x65, 130x130; 16 to 2048
//   channels), 137 at 8 tiles, 57-70 at 4 (7x7): kMinTiles 16.
// - AVX-512 F(2x2): 210 at 32 tiles (7x7, batch 2), 135-172 at 16 (7x7, batch 1): kMinTiles 32.
// - AVX2 F(4x4): 212-307 from 16 tiles, 184 at 8 (7x7, batch 2), 71-95 at 4: kMinTiles 8.
// - AVX2 F(2x2): 108-134 at 16 tiles (7x7, batch 1): kMinTiles 16.
// 16 channels (16 -> 16 at 112x112): 275 AVX-512, 171 AVX2; fewer were not measured.
// The AVX2 thresholds are against an AVX2 direct conv: on an AVX-512 CPU the AVX2 Winograd entries
// belong after the AVX-512 direct ones in the table.
template <int kTile, int kMinTiles>
bool conv2d_winograd_supports(const Conv2dShape& s) {
  const int64_t tiles = s.batch * ((s.out_h + kTile - 1) / kTile) * ((s.out_w + kTile - 1) / kTile);
  return conv2d_winograd_applicable(s) && s.in_channels >= 16 && s.out_channels >= 16 && tiles >= kMinTiles;
}

// One instantiation per microkernel set (explicitly instantiated in the .cc for each exported one).
template <const WinogradUkernels& U>
Result<std::unique_ptr<Conv2dF32>> create_conv2d_f32_winograd(const Conv2dShape& shape, const float* weights, const float* bias,
                                                      const Epilogue& epilogue);

}  // namespace edgerun::kernels
