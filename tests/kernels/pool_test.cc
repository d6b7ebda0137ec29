// The pool2d table against its reference entry on generated shapes: every row width from 1 to past two
// AVX-512 vectors, odd channel counts, batch 2, kernels 1..7, strides 1..3, padding 0..3 (also
// asymmetric), dilation 2, ceil_mode (with windows that lie wholly in the padding), count_include_pad
// both ways, and global pools over planes of every tail length and the model heads' 7x7. The uint8 max
// pool table on the same shapes, exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "kernels/pool/maxpool2d_u8.h"
#include "kernels/pool/pool2d.h"
#include "kernels/pool/pool2d_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using kernels::Pool2dF32Impl;
using kernels::Pool2dShape;
using kernels::PoolKind;

struct Window {
  int64_t kernel_h, kernel_w, stride, pad_begin, pad_end, dilation;
};

// Output size along one dim as ONNX MaxPool / AveragePool (graph/ops/nn_common.cc) computes it.
int64_t pooled(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end, int64_t dilation,
               bool ceil_mode) {
  const int64_t span = in + pad_begin + pad_end - (kernel - 1) * dilation - 1;
  if (span < 0) return 0;
  if (!ceil_mode) return span / stride + 1;
  const int64_t out = (span + stride - 1) / stride + 1;
  return (out - 1) * stride >= in + pad_begin ? out - 1 : out;
}

Pool2dShape pool_shape(PoolKind kind, int64_t batch, int64_t channels, int64_t in_h, int64_t in_w, const Window& w,
                       bool ceil_mode) {
  Pool2dShape s;
  s.kind = kind;
  s.batch = batch;
  s.channels = channels;
  s.in_h = in_h;
  s.in_w = in_w;
  s.kernel_h = w.kernel_h;
  s.kernel_w = w.kernel_w;
  s.stride_h = s.stride_w = w.stride;
  s.dilation_h = s.dilation_w = w.dilation;
  s.pad_top = s.pad_left = w.pad_begin;
  s.pad_bottom = s.pad_right = w.pad_end;
  s.out_h = pooled(in_h, w.kernel_h, w.stride, w.pad_begin, w.pad_end, w.dilation, ceil_mode);
  s.out_w = pooled(in_w, w.kernel_w, w.stride, w.pad_begin, w.pad_end, w.dilation, ceil_mode);
  if (s.global()) s.out_h = s.out_w = 1;
  return s;
}

void check(const Pool2dF32Impl& impl, const Pool2dShape& s) {
  const auto x = testing::random_floats(static_cast<size_t>(s.planes() * s.in_h * s.in_w), 7);
  const size_t out_size = static_cast<size_t>(s.planes() * s.out_h * s.out_w);
  std::vector<float> expected(out_size), y(out_size, 1e30f);
  kernels::create_pool2d_f32_ref(s)->run(x.data(), expected.data(), nullptr);
  const auto kernel = impl.create(s);
  std::vector<float> scratch(kernel->scratch_bytes() / sizeof(float) + 16);
  kernel->run(x.data(), y.data(), scratch.data());
  CAPTURE(static_cast<int>(s.kind));
  CAPTURE(s.channels);
  CAPTURE(s.in_h);
  CAPTURE(s.in_w);
  CAPTURE(s.kernel_w);
  CAPTURE(s.stride_w);
  CAPTURE(s.pad_left);
  CAPTURE(s.pad_right);
  CAPTURE(s.dilation_w);
  CAPTURE(s.out_w);
  CAPTURE(s.count_include_pad);
  if (s.kind == PoolKind::kMax || s.kind == PoolKind::kGlobalMax) {
    CHECK(y == expected);  // a max is exact
  } else {
    const int64_t taps = s.global() ? s.in_h * s.in_w : s.kernel_h * s.kernel_w;
    CHECK(testing::max_relative_error(y, expected) <= testing::f32_tolerance(taps));
  }
}

const std::vector<Window>& windows() {
  static const std::vector<Window> w = {
      {3, 3, 2, 1, 1, 1},  // ResNet's stem max pool
      {3, 3, 1, 1, 1, 1}, {2, 2, 2, 0, 0, 1}, {3, 3, 3, 0, 0, 1}, {5, 5, 1, 2, 2, 1}, {7, 7, 3, 3, 3, 1},
      {3, 3, 1, 2, 2, 2}, {3, 3, 2, 0, 1, 2}, {1, 1, 1, 0, 0, 1}, {3, 5, 2, 1, 2, 1}, {2, 3, 3, 1, 0, 1},
  };
  return w;
}

TEST_CASE("pool2d: max and average, every row width, ceil_mode, count_include_pad") {
  testing::for_each_impl(kernels::pool2d_f32_impls(), [&](const Pool2dF32Impl& impl) {
    for (const Window& w : windows()) {
      for (bool ceil_mode : {false, true}) {
        for (int64_t in_w = 1; in_w <= 37; ++in_w) {
          Pool2dShape s = pool_shape(PoolKind::kMax, 1, 3, 7, in_w, w, ceil_mode);
          if (s.out_h <= 0 || s.out_w <= 0) continue;
          check(impl, s);
          s.kind = PoolKind::kAverage;
          check(impl, s);
          s.count_include_pad = true;
          check(impl, s);
        }
      }
    }
  });
}

TEST_CASE("pool2d: batch 2, odd channels, wide rows, windows wholly in the padding") {
  testing::for_each_impl(kernels::pool2d_f32_impls(), [&](const Pool2dF32Impl& impl) {
    for (PoolKind kind : {PoolKind::kMax, PoolKind::kAverage}) {
      for (int64_t in_w : {56, 113}) {
        Pool2dShape s = pool_shape(kind, 2, 5, 11, in_w, {3, 3, 2, 1, 1, 1}, true);
        check(impl, s);
        // Outputs past the end padding (more than ceil_mode gives): their windows hold no tap.
        s.out_h += 2;
        s.out_w += 3;
        check(impl, s);
        s.count_include_pad = true;
        check(impl, s);
      }
    }
  });
}

TEST_CASE("pool2d: global max and average over every plane tail and the heads' 7x7") {
  testing::for_each_impl(kernels::pool2d_f32_impls(), [&](const Pool2dF32Impl& impl) {
    for (PoolKind kind : {PoolKind::kGlobalMax, PoolKind::kGlobalAverage}) {
      for (int64_t plane = 1; plane <= 70; ++plane)
        check(impl, pool_shape(kind, 2, 3, 1, plane, {1, 1, 1, 0, 0, 1}, false));
      check(impl, pool_shape(kind, 1, 2048, 7, 7, {1, 1, 1, 0, 0, 1}, false));
    }
  });
}

void check_u8(const kernels::MaxPool2dU8Impl& impl, const Pool2dShape& s) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> x(static_cast<size_t>(s.planes() * s.in_h * s.in_w));
  for (uint8_t& v : x) v = static_cast<uint8_t>(byte(rng));
  const size_t out_size = static_cast<size_t>(s.planes() * s.out_h * s.out_w);
  std::vector<uint8_t> expected(out_size), y(out_size, 77);
  kernels::maxpool2d_u8_impls().back().create(s)->run(x.data(), expected.data());
  impl.create(s)->run(x.data(), y.data());
  CAPTURE(static_cast<int>(s.kind));
  CAPTURE(s.in_h);
  CAPTURE(s.in_w);
  CAPTURE(s.kernel_w);
  CAPTURE(s.stride_w);
  CAPTURE(s.pad_left);
  CAPTURE(s.pad_right);
  CAPTURE(s.dilation_w);
  CAPTURE(s.out_w);
  CHECK(y == expected);
}

TEST_CASE("pool2d: uint8 max pool, every row width, ceil_mode, windows wholly in the padding, global") {
  testing::for_each_impl(kernels::maxpool2d_u8_impls(), [&](const kernels::MaxPool2dU8Impl& impl) {
    for (const Window& w : windows()) {
      for (bool ceil_mode : {false, true}) {
        for (int64_t in_w = 1; in_w <= 37; ++in_w) {
          const Pool2dShape s = pool_shape(PoolKind::kMax, 1, 3, 7, in_w, w, ceil_mode);
          if (s.out_h > 0 && s.out_w > 0) check_u8(impl, s);
        }
      }
    }
    for (int64_t in_w : {56, 113}) {
      Pool2dShape s = pool_shape(PoolKind::kMax, 2, 5, 11, in_w, {3, 3, 2, 1, 1, 1}, true);
      check_u8(impl, s);
      s.out_h += 2;  // outputs past the end padding: their windows hold no tap (uint8's lowest, 0)
      s.out_w += 3;
      check_u8(impl, s);
    }
    for (int64_t plane = 1; plane <= 70; ++plane) {
      check_u8(impl, pool_shape(PoolKind::kGlobalMax, 2, 3, 1, plane, {1, 1, 1, 0, 0, 1}, false));
    }
    check_u8(impl, pool_shape(PoolKind::kGlobalMax, 1, 130, 56, 56, {1, 1, 1, 0, 0, 1}, false));
  });
  CHECK_FALSE(kernels::maxpool2d_u8_impls().back().supports(
      pool_shape(PoolKind::kAverage, 1, 1, 4, 4, {2, 2, 2, 0, 0, 1}, false)));
}

}  // namespace
}  // namespace edgerun
