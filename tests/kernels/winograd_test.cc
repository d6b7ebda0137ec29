// The Winograd conv2d entries against the reference entry on every shape they apply to (their
// supports() only adds where they are fast): sizes that are not multiples of the tile, padding 0 / 1
// and asymmetric, odd channels, batch 2, the epilogue.
#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/conv/conv2d.h"
#include "kernels/conv/conv2d_winograd.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using kernels::Conv2dShape;
using kernels::Epilogue;

Conv2dShape shape_3x3(int64_t batch, int64_t in_c, int64_t out_c, int64_t h, int64_t w, int64_t pad, int64_t out_h = -1,
                      int64_t out_w = -1) {
  Conv2dShape s;
  s.batch = batch;
  s.in_channels = in_c;
  s.out_channels = out_c;
  s.in_h = h;
  s.in_w = w;
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = s.pad_left = pad;
  s.out_h = out_h >= 0 ? out_h : h + 2 * pad - 2;
  s.out_w = out_w >= 0 ? out_w : w + 2 * pad - 2;
  return s;
}

// Per output, sum |w| |x| over its window plus |bias| + |residual|: the scale of the rounding error.
std::vector<double> magnitude(const Conv2dShape& s, const std::vector<float>& w, const std::vector<float>& x,
                              const std::vector<float>& bias, const std::vector<float>& residual) {
  std::vector<double> out(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w));
  size_t i = 0;
  for (int64_t n = 0; n < s.batch; ++n) {
    for (int64_t k = 0; k < s.out_channels; ++k) {
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        for (int64_t ox = 0; ox < s.out_w; ++ox, ++i) {
          double sum = bias.empty() ? 0.0 : std::fabs(bias[k]);
          if (!residual.empty()) sum += std::fabs(residual[i]);
          for (int64_t c = 0; c < s.in_channels; ++c) {
            for (int64_t r = 0; r < 3; ++r) {
              const int64_t iy = oy + r - s.pad_top;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int64_t j = 0; j < 3; ++j) {
                const int64_t ix = ox + j - s.pad_left;
                if (ix < 0 || ix >= s.in_w) continue;
                sum += std::fabs(w[((k * s.in_channels + c) * 3 + r) * 3 + j]) *
                       std::fabs(x[((n * s.in_channels + c) * s.in_h + iy) * s.in_w + ix]);
              }
            }
          }
          out[i] = sum;
        }
      }
    }
  }
  return out;
}

// First-order rounding bound of F(m x m, 3 x 3) relative to sum |w||x|: the 2-D transforms amplify
// f32's unit roundoff by at most (|A^T|inf |G|inf |B^T|inf)^2 (Barabasz et al. 2018): (3 * 1.5 * 2)^2
// = 81 for m = 2, (19 * 0.5 * 10)^2 = 9025 for m = 4; the channel sum adds the usual sqrt(depth).
double winograd_tolerance(const std::string& name, int64_t depth) {
  const double unit_roundoff = std::ldexp(1.0, -24);
  const double amplification = name.find("_4x4") != std::string::npos ? 9025.0 : 81.0;
  return unit_roundoff * (amplification + 4.0 * std::sqrt(static_cast<double>(depth)));
}

struct Case {
  Conv2dShape shape;
  bool bias, residual;
  float min, max;
};

void check_case(const kernels::Conv2dF32Impl& impl, const Case& c, bool residual_aliases_y = false) {
  const Conv2dShape& s = c.shape;
  CAPTURE(s.batch);
  CAPTURE(s.in_channels);
  CAPTURE(s.out_channels);
  CAPTURE(s.in_h);
  CAPTURE(s.in_w);
  CAPTURE(s.out_h);
  CAPTURE(s.out_w);
  CAPTURE(s.pad_top);
  REQUIRE(kernels::conv2d_winograd_applicable(s));
  const size_t y_size = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  const auto x = testing::random_floats(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), 1);
  const auto w = testing::random_floats(static_cast<size_t>(s.out_channels * s.in_channels * 9), 2);
  const auto bias = c.bias ? testing::random_floats(static_cast<size_t>(s.out_channels), 3) : std::vector<float>{};
  const auto residual = c.residual ? testing::random_floats(y_size, 4) : std::vector<float>{};
  Epilogue e;
  e.residual = c.residual;
  e.min = c.min;
  e.max = c.max;
  const float* b = c.bias ? bias.data() : nullptr;

  const auto& table = kernels::conv2d_f32_impls();
  auto created_ref = table.back().create(s, w.data(), b, e);
  REQUIRE(created_ref.ok());
  const auto& ref = created_ref.value();
  std::vector<float> ref_scratch(ref->scratch_bytes() / sizeof(float) + 1), want(y_size);
  ref->run(x.data(), c.residual ? residual.data() : nullptr, want.data(), ref_scratch.data());

  auto created = impl.create(s, w.data(), b, e);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  const auto& conv = created.value();
  std::vector<float> scratch(conv->scratch_bytes() / sizeof(float) + 16);
  void* aligned = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) / 64 * 64);
  std::vector<float> got(y_size, 1e30f);
  if (residual_aliases_y) got = residual;
  conv->run(x.data(), residual_aliases_y ? got.data() : (c.residual ? residual.data() : nullptr), got.data(), aligned);

  const auto scale = magnitude(s, w, x, bias, residual);
  const double tolerance = winograd_tolerance(impl.name, s.in_channels * 9);
  double worst = 0;
  for (size_t i = 0; i < y_size; ++i) {
    const double error = std::fabs(static_cast<double>(got[i]) - want[i]) / std::max(scale[i], 1e-30);
    if (!(error <= worst)) worst = error;  // NaN propagates as a failure
  }
  CHECK(worst <= tolerance);
}

template <typename Check>
void for_each_winograd(Check&& check) {
  testing::for_each_impl(kernels::conv2d_f32_impls(), [&](const kernels::Conv2dF32Impl& impl) {
    if (std::string(impl.name).find("winograd") != std::string::npos) check(impl);
  });
}

constexpr float kInf = std::numeric_limits<float>::infinity();

TEST_CASE("winograd conv2d: sizes that are not multiples of the tile, padding, odd channels, batch") {
  const std::vector<Case> cases = {
      {shape_3x3(1, 3, 5, 1, 1, 1), false, false, -kInf, kInf},
      {shape_3x3(2, 7, 9, 2, 2, 1), true, false, -kInf, kInf},
      {shape_3x3(1, 5, 3, 7, 7, 0), true, false, 0.0f, kInf},
      {shape_3x3(2, 17, 13, 13, 13, 1), true, true, -kInf, kInf},
      {shape_3x3(1, 8, 11, 13, 11, 1, 12, 12), true, false, -0.5f, 0.5f},  // bottom pad 0, right pad 2
      {shape_3x3(1, 4, 4, 3, 20, 0), false, true, 0.0f, 6.0f},
      {shape_3x3(2, 65, 70, 9, 9, 1), true, true, 0.0f, kInf},  // several channel blocks, ragged last
      {shape_3x3(1, 16, 19, 56, 56, 1), true, false, 0.0f, kInf},
      {shape_3x3(1, 5, 130, 48, 47, 1), true, true, -kInf, kInf},  // several tile blocks and channel chunks
  };
  for_each_winograd([&](const kernels::Conv2dF32Impl& impl) {
    for (const Case& c : cases) check_case(impl, c);
  });
}

TEST_CASE("winograd conv2d: residual aliasing the output") {
  for_each_winograd([&](const kernels::Conv2dF32Impl& impl) {
    check_case(impl, {shape_3x3(2, 9, 10, 11, 10, 1), true, true, 0.0f, kInf}, true);
  });
}

TEST_CASE("winograd conv2d: supports only plain 3x3 layers with enough channels and tiles") {
  using kernels::conv2d_winograd_supports;
  const Conv2dShape resnet = shape_3x3(1, 64, 64, 56, 56, 1);
  CHECK(conv2d_winograd_supports<4, 16>(resnet));
  Conv2dShape strided = resnet;
  strided.stride_h = strided.stride_w = 2;
  strided.out_h = strided.out_w = 28;
  CHECK_FALSE(conv2d_winograd_supports<4, 16>(strided));
  Conv2dShape dilated = resnet;
  dilated.dilation_h = dilated.dilation_w = 2;
  dilated.pad_top = dilated.pad_left = 2;
  CHECK_FALSE(conv2d_winograd_supports<4, 16>(dilated));
  Conv2dShape grouped = resnet;
  grouped.groups = 2;
  CHECK_FALSE(conv2d_winograd_supports<4, 16>(grouped));
  CHECK_FALSE(conv2d_winograd_supports<4, 16>(shape_3x3(1, 8, 64, 56, 56, 1)));  // too few channels
  // 7x7: 4 tiles of 4x4 at batch 1, 16 tiles of 2x2.
  const Conv2dShape small = shape_3x3(1, 512, 512, 7, 7, 1);
  CHECK_FALSE(conv2d_winograd_supports<4, 8>(small));
  CHECK(conv2d_winograd_supports<2, 16>(small));
  CHECK_FALSE(conv2d_winograd_supports<2, 32>(small));
  CHECK(conv2d_winograd_supports<2, 32>(shape_3x3(2, 512, 512, 7, 7, 1)));
}

}  // namespace
}  // namespace edgerun
