// The u8 x s8 conv2d on pruned weights (NCHW, as kernels/qconv/qconv2d.h): per image and group the
// INT8 SpMM (kernels/sparse/qs8_spmm.h) of the group's weights with the input planes (1x1 stride 1
// without padding, read in place) or their im2col (padding taps read the zero point), then the
// family's output stage (uint8 requantization or float scale, bit for bit as the reference). The
// engine measures it against the dense INT8 kernels (engine/ops/sparse_choice.h).
#pragma once

#include "kernels/qconv/qconv2d.h"

namespace edgerun::kernels {

// Best first, ending with the portable reference (same Impl contract as qconv2d_impls); depthwise
// convolutions are left to their own kernels.
const std::vector<QConv2dImpl>& qconv2d_sparse_impls();

}  // namespace edgerun::kernels
