// The native GEMM entries of the qconv2d family: per group, Y[co][p] = sum_k W[co][k] * X[k][p] with
// the weights packed once into panels of the tile's MR rows (kernels/x86/qconv), the activation zero
// point folded into a per-row start value (bias - x_zp * rowsum W[co]), and the activations
// interleaved per call (padding taps read x_zp, so they add exactly 0): implicit GEMM on a padded
// channel-interleaved image for KxK stride 1, im2col panels of NR output pixels otherwise.
// Baseline code: it calls the ISA's microkernels through the pointers of a QConvTile only.
#pragma once

#include <vector>

#include "kernels/qconv/qconv2d.h"
#include "kernels/x86/qconv/qs8_conv2d.h"

namespace edgerun::kernels {

struct QConvTile {
  const char* name;  // "8x32c4": MR rows (output channels) x NR pixels, k-groups of G
  x86::QConvUkernel ukernel;
  x86::QConvInterleave interleave;  // of the same ISA and G
  int64_t mr, nr, group;
  bool widened;  // operands widened to int16 (AVX2's vpmaddwd); else uint8 x int8
};

// The tiles of `isa` (avx2 or avx512vnni; none for others), fastest first. VNNI, one thread, ResNet-50
// 3x3 and 1x1 layers interleaved (bench qconv2d_tile/...): 6x64 ahead of 8x32 by 5-25% on 5 of 6.
const std::vector<QConvTile>& qconv2d_tiles(Isa isa);

// Every shape but depthwise (the depthwise entries serve those; this one is correct for them too).
bool qconv2d_gemm_supports(const Conv2dShape& shape);

Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm_tile(const Conv2dShape& shape, const QConvTile& tile,
                                                          const int8_t* weights, const QConv2dParams& params);

// The entry of `isa`: its fastest tile.
template <Isa kIsa>
Result<std::unique_ptr<QConv2d>> create_qconv2d_gemm(const Conv2dShape& shape, const int8_t* weights,
                                                     const QConv2dParams& params);

}  // namespace edgerun::kernels
