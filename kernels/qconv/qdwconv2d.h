// Depthwise entries of the u8 x s8 conv family (kernels/qconv/qconv2d.h): groups == in_channels ==
// out_channels, any kernel size and padding. Each (image, channel) plane is packed with its padding
// (kernels/x86/qdwconv/qdwconv.h) and convolved with vpdpbusd on groups of 4 taps (AVX-512 VNNI:
// qdwconv2d_c4_supported, stride + dilation along the row <= 5) or vpmaddwd on pairs of taps (AVX2: any
// stride and dilation), exact int32 accumulators; uint8 outputs go through the family's fixed-point
// requantization (qs8_requantize_*), float outputs are float(acc + bias) * scale + residual, clamped.
#pragma once

#include <memory>

#include "graph/status.h"
#include "kernels/qconv/qconv2d.h"

namespace edgerun::kernels {

bool qdwconv2d_supported(const Conv2dShape& shape);     // depthwise: the AVX2 entry
bool qdwconv2d_c4_supported(const Conv2dShape& shape);  // and 3 (stride_w + dilation_w) <= 15: AVX-512 VNNI

Result<std::unique_ptr<QConv2d>> create_qdwconv2d_avx512vnni(const Conv2dShape& shape, const int8_t* weights,
                                                             const QConv2dParams& params);
Result<std::unique_ptr<QConv2d>> create_qdwconv2d_avx2(const Conv2dShape& shape, const int8_t* weights,
                                                       const QConv2dParams& params);

}  // namespace edgerun::kernels
