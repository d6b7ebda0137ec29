// Reference integer convolution (ConvInteger, and QLinearConv before requantization): the geometry of
// ref::conv with zero points; padding reads as the input zero point, i.e. contributes 0.
#pragma once

#include <cstdint>

#include "kernels/ref/nn/conv.h"
#include "kernels/ref/quant/qgemm.h"

namespace edgerun::ref {

// Workspace elements of type TX (same as conv_workspace_size).
int64_t conv_integer_workspace_size(const ConvParams& p);

// y[n][m][o] = sum over taps and input channels of (x - x_zp) * (w - w_zp(m)), as int32.
template <typename TX, typename TW>
void conv_integer(const ConvParams& p, const TX* x, TX x_zp, const TW* w, ZeroPoints<TW> w_zp, int32_t* y,
                  TX* workspace);

}  // namespace edgerun::ref
