// The conv2d kernel check shared by the dense (conv2d_test.cc) and sparse (sparse_test.cc) tables: a
// kernel against the reference entry on one case, with its epilogue, also in place.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "kernels/conv/conv2d.h"
#include "kernels/conv/conv2d_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::testing {

using kernels::Conv2dF32Impl;
using kernels::Conv2dShape;
using kernels::Epilogue;

struct ConvCase {
  int64_t batch, in_c, out_c, groups, in_h, in_w, kernel, stride, pad, dilation;
};

inline Conv2dShape make_shape(const ConvCase& c) {
  Conv2dShape s;
  s.batch = c.batch;
  s.in_channels = c.in_c;
  s.out_channels = c.out_c;
  s.groups = c.groups;
  s.in_h = c.in_h;
  s.in_w = c.in_w;
  s.kernel_h = s.kernel_w = c.kernel;
  s.stride_h = s.stride_w = c.stride;
  s.dilation_h = s.dilation_w = c.dilation;
  s.pad_top = s.pad_left = c.pad;
  s.out_h = (c.in_h + 2 * c.pad - c.dilation * (c.kernel - 1) - 1) / c.stride + 1;
  s.out_w = (c.in_w + 2 * c.pad - c.dilation * (c.kernel - 1) - 1) / c.stride + 1;
  return s;
}

inline std::vector<float> run_conv(const kernels::Conv2dF32& conv, const std::vector<float>& x,
                            const std::vector<float>* residual, size_t out_size) {
  std::vector<float> y(out_size, 0.0f);
  const size_t bytes = conv.scratch_bytes();
  std::unique_ptr<void, decltype(&std::free)> scratch(std::aligned_alloc(64, (bytes + 63) / 64 * 64 + 64), std::free);
  conv.run(x.data(), residual != nullptr ? residual->data() : nullptr, y.data(), scratch.get());
  return y;
}

// weights: OIHW for the shape, or null for seeded random ones.
inline void check_conv(const Conv2dF32Impl& impl, const ConvCase& c, bool bias, const Epilogue& ep,
                       const std::vector<float>* weights = nullptr) {
  const Conv2dShape s = make_shape(c);
  if (impl.supports != nullptr && !impl.supports(s)) return;
  const std::string name = impl.name;
  CAPTURE(name);
  CAPTURE(c.batch);
  CAPTURE(c.in_c);
  CAPTURE(c.out_c);
  CAPTURE(c.groups);
  CAPTURE(c.in_h);
  CAPTURE(c.kernel);
  CAPTURE(c.stride);
  CAPTURE(c.dilation);
  CAPTURE(bias);
  CAPTURE(ep.residual);
  const int64_t depth = s.in_channels_per_group() * s.kernel_h * s.kernel_w;
  const auto w = weights != nullptr ? *weights : random_floats(static_cast<size_t>(s.out_channels * depth), 1);
  const auto b = random_floats(static_cast<size_t>(s.out_channels), 2);
  const auto x = random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 3);
  const size_t out_size = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  const auto residual = random_floats(out_size, 4);
  const float* bias_data = bias ? b.data() : nullptr;
  auto created = impl.create(s, w.data(), bias_data, ep);
  auto created_ref = kernels::create_conv2d_f32_ref(s, w.data(), bias_data, ep);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  REQUIRE(created_ref.ok());
  const auto& conv = created.value();
  const auto& ref = created_ref.value();
  const std::vector<float>* res = ep.residual ? &residual : nullptr;
  const auto expected = run_conv(*ref, x, res, out_size);
  CHECK(max_relative_error(run_conv(*conv, x, res, out_size), expected) <= f32_tolerance(depth));
  // In place (residual aliases y), which the interface allows.
  if (ep.residual) {
    std::vector<float> y = residual;
    const size_t bytes = conv->scratch_bytes();
    std::unique_ptr<void, decltype(&std::free)> scratch(std::aligned_alloc(64, (bytes + 63) / 64 * 64 + 64), std::free);
    conv->run(x.data(), y.data(), y.data(), scratch.get());
    CHECK(max_relative_error(y, expected) <= f32_tolerance(depth));
  }
}

// batch, in_c, out_c, groups, in_h(=in_w), kernel, stride, pad, dilation
inline const std::vector<ConvCase>& conv_cases() {
  static const std::vector<ConvCase> cases = {
      {1, 16, 24, 1, 9, 9, 1, 1, 0, 1},     // 1x1 straight from the input rows
      {1, 37, 29, 1, 11, 11, 1, 1, 0, 1},   // odd channels: M and N tails of every tile
      {2, 19, 70, 1, 8, 8, 1, 2, 0, 1},     // 1x1 stride 2 (ResNet's downsample), batch 2
      {1, 300, 20, 1, 5, 5, 1, 1, 0, 1},    // depth past one K block
      {1, 13, 31, 1, 13, 13, 3, 1, 1, 1},   // 3x3 pad 1
      {2, 8, 17, 1, 12, 12, 3, 2, 1, 1},    // 3x3 stride 2, batch 2
      {1, 40, 33, 1, 7, 7, 3, 1, 1, 1},     // 3x3 on a 7x7 map: N = 49, K = 360 (two K blocks)
      {1, 3, 16, 1, 23, 23, 7, 2, 3, 1},    // ResNet's stem: 7x7 stride 2 pad 3
      {1, 12, 10, 1, 14, 14, 3, 1, 2, 2},   // dilation 2 (FCN)
      {1, 9, 11, 1, 17, 17, 3, 1, 4, 4},    // dilation 4 (DUC)
      {1, 8, 64, 1, 10, 10, 3, 1, 6, 6},    // dilation 6, many outputs: stride-1 im2col beats the wide grid
      {1, 128, 128, 32, 6, 6, 3, 1, 1, 1},  // 32 groups of 4 channels (ResNeXt)
      {2, 256, 256, 64, 5, 5, 3, 2, 1, 1},  // 64 groups of 4, stride 2, batch 2
      {1, 96, 48, 8, 6, 6, 1, 1, 0, 1},     // grouped 1x1, 12 in / 6 out per group
      {1, 4, 5, 1, 2, 3, 3, 1, 1, 1},       // everything smaller than a tile
  };
  return cases;
}

}  // namespace edgerun::testing
