// Reference convolution and transposed convolution (any number of spatial dims, groups, strides,
// dilations, padding): im2col / col2im around the reference GEMM.
#pragma once

#include <cstdint>

#include "kernels/ref/nn/patch.h"

namespace edgerun::ref {

// Tensors are NC<spatial> row-major. For conv, x is [batch, in_channels, patch.image...], w is
// [out_channels, in_channels / groups, patch.kernel...] and y is [batch, out_channels, patch.grid...].
// For conv_transpose the roles of image and grid swap: x is [batch, in_channels, patch.grid...],
// w is [in_channels, out_channels / groups, patch.kernel...] and y is [batch, out_channels, patch.image...].
struct ConvParams {
  int64_t batch = 1;
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t groups = 1;
  PatchGeometry patch;
};

// True when im2col would copy the input unchanged (1x1 kernel, unit strides, no padding), so conv
// multiplies the input directly.
bool conv_is_pointwise(const ConvParams& p);

// Elements of T the workspace of conv / conv_transpose must hold.
int64_t conv_workspace_size(const ConvParams& p);
int64_t conv_transpose_workspace_size(const ConvParams& p);

// bias may be null.
template <typename T>
void conv(const ConvParams& p, const T* x, const T* w, const T* bias, T* y, T* workspace);
template <typename T>
void conv_transpose(const ConvParams& p, const T* x, const T* w, const T* bias, T* y, T* workspace);

}  // namespace edgerun::ref
