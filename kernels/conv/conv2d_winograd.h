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
// The shapes where F(4x4) is worth it over a good direct / im2col convolution (see the .cc).
bool conv2d_winograd_4x4_supports(const Conv2dShape& shape);
// Small images (7x7 and below), where 6x6 tiles would mostly be padding.
bool conv2d_winograd_2x2_supports(const Conv2dShape& shape);

// One instantiation per microkernel set (explicitly instantiated in the .cc for each exported one).
template <const WinogradUkernels& U>
std::unique_ptr<Conv2dF32> create_conv2d_f32_winograd(const Conv2dShape& shape, const float* weights,
                                                      const float* bias, const Epilogue& epilogue);

}  // namespace edgerun::kernels
