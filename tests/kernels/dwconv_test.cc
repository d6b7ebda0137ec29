// Depthwise entries of the conv2d table against the reference on generated shapes: every row width
// from 1 to past two AVX-512 vectors (tails of every length, left and right padding in one tile or
// apart), odd channel counts, padding 0..3, strides 1..3, dilation 2, kernels 1..7, batch 2, and the
// fused epilogue (bias, residual, ReLU6), also with the residual aliasing the output.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernels/conv/conv2d.h"
#include "kernels/conv/conv2d_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using kernels::Conv2dF32Impl;
using kernels::Conv2dShape;
using kernels::Epilogue;

struct Window {
  int64_t kernel_h, kernel_w, stride, pad, dilation;
};

Conv2dShape depthwise_shape(int64_t batch, int64_t channels, int64_t in_h, int64_t in_w, const Window& w) {
  Conv2dShape s;
  s.batch = batch;
  s.in_channels = s.out_channels = s.groups = channels;
  s.in_h = in_h;
  s.in_w = in_w;
  s.kernel_h = w.kernel_h;
  s.kernel_w = w.kernel_w;
  s.stride_h = s.stride_w = w.stride;
  s.dilation_h = s.dilation_w = w.dilation;
  s.pad_top = s.pad_left = w.pad;
  s.out_h = (in_h + 2 * w.pad - w.dilation * (w.kernel_h - 1) - 1) / w.stride + 1;
  s.out_w = (in_w + 2 * w.pad - w.dilation * (w.kernel_w - 1) - 1) / w.stride + 1;
  return s;
}

// Random x, weights, bias and residual for one shape, and the reference's y.
struct Case {
  Conv2dShape s;
  Epilogue e;
  std::vector<float> x, w, bias, residual, expected;
};

Case make_case(const Conv2dShape& s, const Epilogue& e) {
  Case c{s, e, {}, {}, {}, {}, {}};
  const size_t out_size = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  c.x = testing::random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 1);
  c.w = testing::random_floats(static_cast<size_t>(s.out_channels * s.kernel_h * s.kernel_w), 2);
  c.bias = testing::random_floats(static_cast<size_t>(s.out_channels), 3);
  c.residual = testing::random_floats(out_size, 4, -3.0f, 3.0f);
  c.expected.resize(out_size);
  auto created_ref = kernels::create_conv2d_f32_ref(s, c.w.data(), c.bias.data(), e);
  REQUIRE(created_ref.ok());
  const auto& ref = created_ref.value();
  std::vector<float> ref_scratch(ref->scratch_bytes() / sizeof(float) + 1);
  ref->run(c.x.data(), c.residual.data(), c.expected.data(), ref_scratch.data());
  return c;
}

// y of impl vs the reference's; with residual_in_place, y holds the residual on entry.
void check(const Conv2dF32Impl& impl, const Case& c, bool residual_in_place = false) {
  const Conv2dShape& s = c.s;
  if (impl.supports != nullptr && !impl.supports(s)) return;  // GEMM and Winograd entries skip depthwise
  auto created = impl.create(s, c.w.data(), c.bias.data(), c.e);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  const auto& kernel = created.value();
  std::vector<float> scratch(kernel->scratch_bytes() / sizeof(float) + 16);
  std::vector<float> y(c.expected.size(), 1e30f);
  if (residual_in_place) {
    y = c.residual;
    kernel->run(c.x.data(), y.data(), y.data(), scratch.data());
  } else {
    kernel->run(c.x.data(), c.residual.data(), y.data(), scratch.data());
  }
  CAPTURE(residual_in_place);
  CAPTURE(s.batch);
  CAPTURE(s.in_channels);
  CAPTURE(s.in_h);
  CAPTURE(s.in_w);
  CAPTURE(s.kernel_h);
  CAPTURE(s.kernel_w);
  CAPTURE(s.stride_w);
  CAPTURE(s.pad_left);
  CAPTURE(s.dilation_w);
  CHECK(testing::max_relative_error(y, c.expected) <= testing::f32_tolerance(s.kernel_h * s.kernel_w));
}

Epilogue relu6_residual() {
  Epilogue e;
  e.residual = true;
  e.min = 0.0f;
  e.max = 6.0f;
  return e;
}

TEST_CASE("dwconv: every row width, MobileNet's 3x3 stride 1 and 2 and the general paths") {
  const std::vector<Window> windows = {
      {3, 3, 1, 1, 1}, {3, 3, 2, 1, 1}, {3, 3, 1, 0, 1}, {3, 3, 2, 2, 1}, {3, 3, 3, 1, 1}, {5, 5, 1, 2, 1},
      {5, 5, 2, 2, 1}, {7, 7, 1, 3, 1}, {3, 3, 1, 2, 2}, {3, 3, 3, 0, 2}, {1, 1, 1, 0, 1}, {3, 5, 2, 2, 1},
  };
  std::vector<Case> cases;  // the reference runs once per shape, not once per entry
  for (const Window& w : windows) {
    for (int64_t in_w = 1; in_w <= 36; ++in_w) {
      const Conv2dShape s = depthwise_shape(1, 3, 5, in_w, w);
      if (s.out_w > 0 && s.out_h > 0) cases.push_back(make_case(s, Epilogue{}));
    }
  }
  testing::for_each_impl(kernels::conv2d_f32_impls(), [&](const Conv2dF32Impl& impl) {
    for (const Case& c : cases) check(impl, c);
  });
}

TEST_CASE("dwconv: batch 2, odd channels, wide rows, fused bias + residual + ReLU6") {
  testing::for_each_impl(kernels::conv2d_f32_impls(), [&](const Conv2dF32Impl& impl) {
    for (const Window& w : {Window{3, 3, 1, 1, 1}, Window{3, 3, 2, 1, 1}, Window{5, 5, 3, 2, 2}}) {
      for (int64_t in_w : {49, 83, 113}) {
        const Conv2dShape s = depthwise_shape(2, 5, 9, in_w, w);
        const Case relu6 = make_case(s, relu6_residual());
        check(impl, relu6);
        check(impl, relu6, /*residual_in_place=*/true);
        Epilogue relu;
        relu.min = 0.0f;
        check(impl, make_case(s, relu));
      }
    }
  });
}

TEST_CASE("dwconv: padding and stride that differ between rows and columns") {
  testing::for_each_impl(kernels::conv2d_f32_impls(), [&](const Conv2dF32Impl& impl) {
    for (int64_t in_w : {5, 17, 34}) {
      for (int64_t stride = 1; stride <= 2; ++stride) {
        Conv2dShape s = depthwise_shape(1, 3, 10, in_w, {3, 3, stride, 1, 1});
        s.pad_top = 0;  // rows unpadded at the top, one more output row at the bottom padding
        s.out_h = (s.in_h + 1 - 3) / stride + 1;
        check(impl, make_case(s, Epilogue{}));
        s.stride_h = 3 - stride;  // row stride other than the column stride
        s.out_h = (s.in_h + 1 - 3) / s.stride_h + 1;
        check(impl, make_case(s, Epilogue{}));
      }
    }
  });
}

TEST_CASE("dwconv: the depthwise entries take depthwise shapes only") {
  Conv2dShape s = depthwise_shape(1, 8, 7, 7, {3, 3, 1, 1, 1});
  for (const Conv2dF32Impl& impl : kernels::conv2d_f32_impls()) {
    if (std::string(impl.name).find("dwconv") == std::string::npos) continue;
    CAPTURE(impl.name);
    CHECK(impl.supports(s));
    s.groups = 4;  // grouped, not depthwise
    CHECK_FALSE(impl.supports(s));
    s.groups = 8;
    s.out_channels = 16;  // channel multiplier 2
    CHECK_FALSE(impl.supports(s));
    s.out_channels = 8;
  }
}

}  // namespace
}  // namespace edgerun
