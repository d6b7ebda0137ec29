// The oneDNN entries of the conv2d and dense tables against the reference entries (the last of each
// table), on odd channel counts, strides, dilation, groups, depthwise, batch 2 and every epilogue.
// Builds without oneDNN have no such entries: the tests say so and check nothing else.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/conv/conv2d.h"
#include "kernels/dispatch.h"
#include "kernels/gemm/dense.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using kernels::Backend;
using kernels::Conv2dShape;
using kernels::DenseShape;
using kernels::Epilogue;
using testing::f32_tolerance;
using testing::max_relative_error;
using testing::random_floats;

constexpr float kInf = std::numeric_limits<float>::infinity();

template <typename Impl>
const Impl* onednn_entry(const std::vector<Impl>& table) {
  for (const Impl& impl : table) {
    if (impl.backend == Backend::kOneDnn) return &impl;
  }
  MESSAGE("this build has no oneDNN backend: nothing to check");
  return nullptr;
}

// Scratch as run() expects it: 64-byte aligned, and filled with NaN bytes so that a kernel reading
// scratch it did not write shows up.
struct Scratch {
  explicit Scratch(size_t bytes) : size((bytes + 63) / 64 * 64 + 64), data(std::aligned_alloc(64, size), std::free) {
    std::memset(data.get(), 0xff, size);
  }
  size_t size;
  std::unique_ptr<void, decltype(&std::free)> data;
};

// Runs a created kernel twice (the second run checks that nothing carried over) and returns y.
template <typename Kernel>
std::vector<float> run_twice(const Kernel& kernel, const std::vector<float>& x, const std::vector<float>& residual,
                             size_t y_size, bool residual_is_y) {
  Scratch scratch(kernel.scratch_bytes());
  std::vector<float> y;
  for (int i = 0; i < 2; ++i) {
    y.assign(y_size, 7.0f);
    if (residual_is_y) y = residual;
    const float* r = residual.empty() ? nullptr : residual_is_y ? y.data() : residual.data();
    kernel.run(x.data(), r, y.data(), scratch.data.get());
  }
  return y;
}

Conv2dShape conv_shape(int64_t batch, int64_t cin, int64_t cout, int64_t groups, int64_t h, int64_t w, int64_t k,
                       int64_t stride, int64_t dilation, int64_t pad) {
  Conv2dShape s;
  s.batch = batch;
  s.in_channels = cin;
  s.out_channels = cout;
  s.groups = groups;
  s.in_h = h;
  s.in_w = w;
  s.kernel_h = s.kernel_w = k;
  s.stride_h = s.stride_w = stride;
  s.dilation_h = s.dilation_w = dilation;
  s.pad_top = s.pad_left = pad;
  s.out_h = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
  s.out_w = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
  return s;
}

struct Options {
  bool bias = true;
  Epilogue epilogue;
  bool residual_is_y = false;
};

Options with(bool bias, bool residual, float lo, float hi, bool residual_is_y = false) {
  Options o;
  o.bias = bias;
  o.epilogue.residual = residual;
  o.epilogue.min = lo;
  o.epilogue.max = hi;
  o.residual_is_y = residual_is_y;
  return o;
}

void check_conv(const kernels::Conv2dF32Impl& onednn, const Conv2dShape& s, const Options& o) {
  CAPTURE(s.batch);
  CAPTURE(s.in_channels);
  CAPTURE(s.out_channels);
  CAPTURE(s.groups);
  CAPTURE(s.in_h);
  CAPTURE(s.kernel_h);
  CAPTURE(s.stride_h);
  CAPTURE(s.dilation_h);
  CAPTURE(s.pad_top);
  CAPTURE(o.epilogue.residual);
  CAPTURE(o.epilogue.min);
  CAPTURE(o.epilogue.max);
  REQUIRE(onednn.supports(s));
  const auto& ref = kernels::conv2d_f32_impls().back();
  const auto w = random_floats(static_cast<size_t>(s.out_channels * s.in_channels_per_group() * s.kernel_h * s.kernel_w), 1);
  const auto bias = random_floats(static_cast<size_t>(s.out_channels), 2);
  const auto x = random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 3);
  const size_t y_size = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  const auto residual = o.epilogue.residual ? random_floats(y_size, 4) : std::vector<float>();
  const float* b = o.bias ? bias.data() : nullptr;

  auto want_kernel = ref.create(s, w.data(), b, o.epilogue);
  auto got_kernel = onednn.create(s, w.data(), b, o.epilogue);
  REQUIRE(want_kernel.ok());
  REQUIRE_MESSAGE(got_kernel.ok(), got_kernel.status().to_string());
  // The reference entry reads the residual after writing y, so it gets its own copy.
  const auto want = run_twice(**want_kernel, x, residual, y_size, false);
  const auto got = run_twice(**got_kernel, x, residual, y_size, o.residual_is_y);
  CHECK(max_relative_error(got, want) <= f32_tolerance(s.in_channels_per_group() * s.kernel_h * s.kernel_w));
}

TEST_CASE("onednn conv2d matches the reference") {
  const auto* onednn = onednn_entry(kernels::conv2d_f32_impls());
  if (onednn == nullptr) return;
  SUBCASE("3x3, 3 -> 5 channels, bias, ReLU") { check_conv(*onednn, conv_shape(1, 3, 5, 1, 7, 9, 3, 1, 1, 1), with(true, false, 0, kInf)); }
  SUBCASE("3x3 stride 2, odd channels, batch 2, residual, Clip") {
    check_conv(*onednn, conv_shape(2, 17, 33, 1, 11, 13, 3, 2, 1, 1), with(true, true, 0, 6));
  }
  SUBCASE("3x3 dilation 2, residual then ReLU") {
    check_conv(*onednn, conv_shape(1, 16, 24, 1, 9, 10, 3, 1, 2, 2), with(true, true, 0, kInf));
  }
  SUBCASE("32 groups of 4 channels (ResNeXt)") {
    check_conv(*onednn, conv_shape(2, 128, 128, 32, 7, 7, 3, 1, 1, 1), with(true, false, 0, kInf));
  }
  SUBCASE("32 groups, stride 2, no bias") { check_conv(*onednn, conv_shape(1, 64, 96, 32, 9, 9, 3, 2, 1, 1), with(false, false, -kInf, kInf)); }
  SUBCASE("depthwise stride 2, Clip 0..6") { check_conv(*onednn, conv_shape(1, 24, 24, 24, 10, 10, 3, 2, 1, 1), with(true, false, 0, 6)); }
  SUBCASE("depthwise odd channels, dilation 2") { check_conv(*onednn, conv_shape(2, 13, 13, 13, 8, 7, 3, 1, 2, 2), with(true, false, -kInf, kInf)); }
  SUBCASE("1x1 256 -> 64, residual aliasing y") {
    check_conv(*onednn, conv_shape(1, 256, 64, 1, 5, 5, 1, 1, 1, 0), with(true, true, 0, kInf, true));
  }
  SUBCASE("1x1, batch 2, residual, Clip") {
    check_conv(*onednn, conv_shape(2, 19, 21, 1, 6, 5, 1, 1, 1, 0), with(true, true, -1, 1));
  }
  SUBCASE("1x1 stride 2 projection, residual aliasing y, no activation") {
    check_conv(*onednn, conv_shape(1, 32, 48, 1, 9, 9, 1, 2, 1, 0), with(false, true, -kInf, kInf, true));
  }
  SUBCASE("7x7 stride 2 stem") { check_conv(*onednn, conv_shape(1, 3, 8, 1, 15, 15, 7, 2, 1, 3), with(true, false, 0, kInf)); }
  SUBCASE("one-sided clamps") {
    check_conv(*onednn, conv_shape(1, 8, 16, 1, 6, 6, 3, 1, 1, 1), with(true, false, -kInf, 0.5f));
    check_conv(*onednn, conv_shape(1, 8, 16, 1, 6, 6, 3, 1, 1, 1), with(true, true, -0.25f, kInf));
  }
  SUBCASE("padding only at the bottom/right (TF SAME, stride 2)") {
    Conv2dShape s = conv_shape(1, 5, 7, 1, 8, 8, 3, 2, 1, 0);
    s.out_h = s.out_w = 4;
    check_conv(*onednn, s, with(true, false, -kInf, kInf));
  }
  SUBCASE("last input rows unused (stride 2, no padding)") {
    check_conv(*onednn, conv_shape(1, 5, 7, 1, 8, 8, 3, 2, 1, 0), with(true, false, -kInf, kInf));
  }
}

TEST_CASE("onednn conv2d is chosen for --backend onednn and refuses inconsistent shapes without throwing") {
  const auto* onednn = onednn_entry(kernels::conv2d_f32_impls());
  if (onednn == nullptr) return;
  Conv2dShape s = conv_shape(1, 4, 4, 1, 6, 6, 3, 1, 1, 1);
  CHECK(kernels::choose_impl(kernels::conv2d_f32_impls(), s, Backend::kOneDnn) == onednn);
  CHECK(kernels::choose_impl(kernels::conv2d_f32_impls(), s, Backend::kNative)->backend == Backend::kNative);
  s.out_h = 2;  // 6 rows, 3x3, pad 1 give 6 rows out, not 2
  CHECK_FALSE(onednn->supports(s));
  const std::vector<float> w(4 * 4 * 9, 1.0f);
  CHECK_FALSE(onednn->create(s, w.data(), nullptr, Epilogue()).ok());
}

void check_dense(const kernels::DenseF32Impl& onednn, const DenseShape& s, const Options& o) {
  CAPTURE(s.m);
  CAPTURE(s.n);
  CAPTURE(s.k);
  CAPTURE(s.transpose_b);
  CAPTURE(o.epilogue.residual);
  CAPTURE(o.epilogue.min);
  CAPTURE(o.epilogue.max);
  REQUIRE(onednn.supports(s));
  const auto& ref = kernels::dense_f32_impls().back();
  const auto b = random_floats(static_cast<size_t>(s.k * s.n), 1);
  const auto bias = random_floats(static_cast<size_t>(s.n), 2);
  const auto a = random_floats(static_cast<size_t>(s.m * s.k), 3);
  const size_t y_size = static_cast<size_t>(s.m * s.n);
  const auto residual = o.epilogue.residual ? random_floats(y_size, 4) : std::vector<float>();
  const float* bias_ptr = o.bias ? bias.data() : nullptr;

  auto want_kernel = ref.create(s, b.data(), bias_ptr, o.epilogue);
  auto got_kernel = onednn.create(s, b.data(), bias_ptr, o.epilogue);
  REQUIRE(want_kernel.ok());
  REQUIRE_MESSAGE(got_kernel.ok(), got_kernel.status().to_string());
  const auto want = run_twice(**want_kernel, a, residual, y_size, false);  // see check_conv
  const auto got = run_twice(**got_kernel, a, residual, y_size, o.residual_is_y);
  CHECK(max_relative_error(got, want) <= f32_tolerance(s.k));
}

DenseShape dense_shape(int64_t m, int64_t n, int64_t k, bool transpose_b) {
  DenseShape s;
  s.m = m;
  s.n = n;
  s.k = k;
  s.transpose_b = transpose_b;
  return s;
}

TEST_CASE("onednn dense matches the reference") {
  const auto* onednn = onednn_entry(kernels::dense_f32_impls());
  if (onednn == nullptr) return;
  CHECK(kernels::choose_impl(kernels::dense_f32_impls(), dense_shape(4, 4, 4, false), Backend::kOneDnn) == onednn);
  for (bool transpose_b : {false, true}) {
    check_dense(*onednn, dense_shape(7, 13, 29, transpose_b), with(true, false, -kInf, kInf));
    check_dense(*onednn, dense_shape(1, 10, 64, transpose_b), with(false, false, -kInf, kInf));
    check_dense(*onednn, dense_shape(33, 64, 96, transpose_b), with(true, true, 0, kInf));
    check_dense(*onednn, dense_shape(16, 37, 50, transpose_b), with(true, true, -kInf, kInf, true));
    check_dense(*onednn, dense_shape(5, 17, 3, transpose_b), with(true, false, -1, 1));
  }
}

}  // namespace
}  // namespace edgerun
