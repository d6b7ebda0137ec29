// The XNNPACK entries of the conv2d and dense tables against the reference entries, on shapes that
// exercise its layouts: odd channels, strides, dilation, groups, depthwise, batch 2, asymmetric
// padding, and every epilogue (bias, residual, ReLU, Clip). A build without XNNPACK says so and stops.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/conv/conv2d.h"
#include "kernels/dispatch.h"
#include "kernels/gemm/dense.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::kernels {
namespace {

using testing::f32_tolerance;
using testing::max_relative_error;
using testing::random_floats;

// A 64-byte aligned scratch buffer of `bytes`.
class Scratch {
 public:
  explicit Scratch(size_t bytes) : storage_(bytes / sizeof(float) + 16) {}
  void* get() {
    const auto at = reinterpret_cast<uintptr_t>(storage_.data());
    return reinterpret_cast<void*>((at + 63) / 64 * 64);
  }

 private:
  std::vector<float> storage_;
};

struct EpilogueCase {
  bool bias = false;
  bool residual = false;
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

constexpr float kInf = std::numeric_limits<float>::infinity();
const EpilogueCase kPlain{};
const EpilogueCase kBias{true, false, -kInf, kInf};
const EpilogueCase kBiasRelu{true, false, 0.0f, kInf};
const EpilogueCase kResidualRelu{true, true, 0.0f, kInf};
const EpilogueCase kResidualClip{false, true, -0.25f, 0.5f};
const EpilogueCase kRelu6{true, false, 0.0f, 6.0f};
const EpilogueCase kConstant{true, false, 0.125f, 0.125f};  // Clip(min == max): XNNPACK refuses that clamp

Epilogue to_epilogue(const EpilogueCase& e) {
  Epilogue epilogue;
  epilogue.residual = e.residual;
  epilogue.min = e.min;
  epilogue.max = e.max;
  return epilogue;
}

template <typename Impl>
std::vector<const Impl*> xnnpack_entries(const std::vector<Impl>& table) {
  std::vector<const Impl*> entries;
  for (const Impl& impl : table) {
    if (impl.backend == Backend::kXnnpack) entries.push_back(&impl);
  }
  return entries;
}

// Runs `impl` on one problem. In place, y starts as the residual and is passed as both (the engine's
// in-place skip Add); otherwise the residual has its own buffer.
template <typename Impl, typename Shape>
std::vector<float> run_entry(const Impl& impl, const Shape& shape, const std::vector<float>& x,
                             const std::vector<float>& w, const std::vector<float>& bias,
                             const std::vector<float>& residual, const EpilogueCase& e, bool in_place) {
  auto kernel = impl.create(shape, w.data(), e.bias ? bias.data() : nullptr, to_epilogue(e));
  REQUIRE_MESSAGE(kernel.ok(), kernel.status().to_string());
  Scratch scratch(kernel.value()->scratch_bytes());
  std::vector<float> y(residual.size(), std::numeric_limits<float>::quiet_NaN());
  if (in_place) y = residual;
  const float* r = e.residual ? (in_place ? y.data() : residual.data()) : nullptr;
  kernel.value()->run(x.data(), r, y.data(), scratch.get());
  return y;
}

// ONNX's output size for explicit padding on both ends.
int64_t out_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin, int64_t pad_end) {
  return (in + pad_begin + pad_end - dilation * (kernel - 1) - 1) / stride + 1;
}

struct ConvCase {
  int64_t batch, in_c, out_c, groups, in_h, in_w, k_h, k_w, stride, dilation, pad_top, pad_left, pad_bottom,
      pad_right;
  EpilogueCase epilogue;
};

Conv2dShape conv_shape(const ConvCase& c) {
  Conv2dShape s;
  s.batch = c.batch;
  s.in_channels = c.in_c;
  s.out_channels = c.out_c;
  s.groups = c.groups;
  s.in_h = c.in_h;
  s.in_w = c.in_w;
  s.kernel_h = c.k_h;
  s.kernel_w = c.k_w;
  s.stride_h = s.stride_w = c.stride;
  s.dilation_h = s.dilation_w = c.dilation;
  s.pad_top = c.pad_top;
  s.pad_left = c.pad_left;
  s.out_h = out_size(c.in_h, c.k_h, c.stride, c.dilation, c.pad_top, c.pad_bottom);
  s.out_w = out_size(c.in_w, c.k_w, c.stride, c.dilation, c.pad_left, c.pad_right);
  return s;
}

TEST_CASE("xnnpack conv2d matches the reference") {
  if (!backend_built(Backend::kXnnpack)) {
    MESSAGE("this build has no XNNPACK: nothing to check");
    return;
  }
  const auto& table = conv2d_f32_impls();
  const auto entries = xnnpack_entries(table);
  REQUIRE(!entries.empty());
  const ConvCase cases[] = {
      // batch in out groups  h   w kh kw s d  pads t l b r
      {1, 3, 5, 1, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, kBias},                // odd channels
      {1, 17, 13, 1, 11, 10, 3, 3, 2, 1, 1, 1, 1, 1, kResidualRelu},    // stride 2, odd sizes
      {1, 8, 12, 1, 13, 13, 3, 3, 1, 2, 2, 2, 2, 2, kResidualClip},     // dilation 2 (FCN / DUC)
      {1, 64, 64, 32, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, kResidualRelu},     // groups 32 (ResNeXt)
      {1, 96, 96, 96, 15, 15, 3, 3, 2, 1, 1, 1, 1, 1, kRelu6},          // depthwise stride 2 (MobileNetV2)
      {1, 33, 33, 33, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, kPlain},            // depthwise, odd channels
      {1, 8, 16, 8, 6, 7, 3, 3, 1, 1, 1, 1, 1, 1, kBias},               // depthwise, channel multiplier 2
      {2, 24, 24, 24, 11, 12, 5, 5, 2, 1, 2, 2, 2, 2, kResidualClip},   // depthwise 5x5 s2, batch 2, residual
      {1, 16, 16, 16, 9, 9, 3, 3, 1, 1, 0, 0, 0, 0, kBiasRelu},         // depthwise, no padding (NHWC path)
      {2, 12, 12, 12, 10, 10, 3, 3, 1, 1, 1, 1, 1, 1, kConstant},       // depthwise, Clip(min == max)
      {1, 8, 8, 8, 13, 13, 3, 3, 1, 2, 2, 2, 2, 2, kBias},              // depthwise, dilation 2
      {2, 16, 24, 1, 5, 6, 1, 1, 1, 1, 0, 0, 0, 0, kResidualRelu},      // batch 2, 1x1
      {2, 24, 40, 1, 9, 9, 1, 1, 2, 1, 0, 0, 0, 0, kBias},              // 1x1 stride 2 (downsample)
      {1, 3, 8, 1, 23, 23, 7, 7, 2, 1, 3, 3, 3, 3, kBiasRelu},          // 7x7 stem
      {1, 6, 7, 1, 9, 12, 1, 7, 1, 1, 0, 3, 0, 3, kBias},               // 1x7, asymmetric kernel
      {1, 5, 4, 1, 8, 8, 3, 3, 2, 1, 1, 0, 2, 1, kConstant},            // ONNX pads past the last window
      {2, 10, 6, 2, 6, 5, 2, 3, 1, 1, 0, 1, 1, 0, kResidualClip},       // groups 2, even kernel, one-sided pads
  };
  for (const ConvCase& c : cases) {
    const Conv2dShape s = conv_shape(c);
    CAPTURE(s.in_channels);
    CAPTURE(s.out_channels);
    CAPTURE(s.groups);
    CAPTURE(s.stride_h);
    CAPTURE(s.dilation_h);
    const auto x = random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 1);
    const auto w = random_floats(
        static_cast<size_t>(s.out_channels * s.in_channels_per_group() * s.kernel_h * s.kernel_w), 2);
    const auto bias = random_floats(static_cast<size_t>(s.out_channels), 3);
    const auto residual = random_floats(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w), 4);
    const auto expected = run_entry(table.back(), s, x, w, bias, residual, c.epilogue, false);
    for (const Conv2dF32Impl* impl : entries) {
      CAPTURE(impl->name);
      REQUIRE(impl->supports(s));
      for (bool in_place : {false, true}) {
        CAPTURE(in_place);
        const auto got = run_entry(*impl, s, x, w, bias, residual, c.epilogue, in_place);
        CHECK(max_relative_error(got, expected) <=
              f32_tolerance(s.in_channels_per_group() * s.kernel_h * s.kernel_w));
      }
    }
  }
}

TEST_CASE("xnnpack conv2d declines shapes it cannot compute, without crashing") {
  if (!backend_built(Backend::kXnnpack)) {
    MESSAGE("this build has no XNNPACK: nothing to check");
    return;
  }
  Conv2dShape s = conv_shape({1, 4, 4, 1, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, kPlain});
  s.out_h = 0;  // empty output
  for (const Conv2dF32Impl* impl : xnnpack_entries(conv2d_f32_impls())) {
    CHECK_FALSE(impl->supports(s));
    CHECK_FALSE(impl->create(s, nullptr, nullptr, Epilogue{}).ok());
    CHECK(choose_impl(conv2d_f32_impls(), s, Backend::kXnnpack)->backend == Backend::kNative);
  }
}

TEST_CASE("xnnpack depthwise 3x3 runs on NCHW directly (no transpose scratch)") {
  if (!backend_built(Backend::kXnnpack)) {
    MESSAGE("this build has no XNNPACK: nothing to check");
    return;
  }
  // MobileNetV2's stride-2 depthwise layer, scaled down: ONNX pads 1 on both ends, of which the last
  // window touches none.
  const Conv2dShape s = conv_shape({1, 16, 16, 16, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1, kRelu6});
  const auto w = random_floats(static_cast<size_t>(s.out_channels * s.kernel_h * s.kernel_w), 2);
  for (const Conv2dF32Impl* impl : xnnpack_entries(conv2d_f32_impls())) {
    auto kernel = impl->create(s, w.data(), nullptr, to_epilogue(kRelu6));
    REQUIRE(kernel.ok());
    CHECK(kernel.value()->scratch_bytes() == 0);
  }
}

struct DenseCase {
  int64_t m, n, k;
  bool transpose_b;
  EpilogueCase epilogue;
};

TEST_CASE("xnnpack dense matches the reference") {
  if (!backend_built(Backend::kXnnpack)) {
    MESSAGE("this build has no XNNPACK: nothing to check");
    return;
  }
  const auto& table = dense_f32_impls();
  const auto entries = xnnpack_entries(table);
  REQUIRE(!entries.empty());
  const DenseCase cases[] = {
      {1, 5, 3, false, kBias},           {7, 17, 31, true, kBiasRelu}, {33, 64, 100, false, kResidualRelu},
      {2, 10, 1000, true, kPlain},       {16, 48, 64, true, kResidualClip}, {5, 9, 12, false, kConstant},
      {128, 96, 72, false, kRelu6},
  };
  for (const DenseCase& c : cases) {
    DenseShape s;
    s.m = c.m;
    s.n = c.n;
    s.k = c.k;
    s.transpose_b = c.transpose_b;
    CAPTURE(s.m);
    CAPTURE(s.n);
    CAPTURE(s.k);
    CAPTURE(s.transpose_b);
    const auto a = random_floats(static_cast<size_t>(s.m * s.k), 5);
    const auto b = random_floats(static_cast<size_t>(s.k * s.n), 6);
    const auto bias = random_floats(static_cast<size_t>(s.n), 7);
    const auto residual = random_floats(static_cast<size_t>(s.m * s.n), 8);
    const auto expected = run_entry(table.back(), s, a, b, bias, residual, c.epilogue, false);
    for (const DenseF32Impl* impl : entries) {
      CAPTURE(impl->name);
      REQUIRE(impl->supports(s));
      for (bool in_place : {false, true}) {
        CAPTURE(in_place);
        const auto got = run_entry(*impl, s, a, b, bias, residual, c.epilogue, in_place);
        CHECK(max_relative_error(got, expected) <= f32_tolerance(s.k));
      }
    }
  }
}

}  // namespace
}  // namespace edgerun::kernels
