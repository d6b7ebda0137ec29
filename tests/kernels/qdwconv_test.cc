// The depthwise entries of the u8 x s8 conv family against a plain loop over ONNX's definition:
// exact for uint8 and float outputs, on odd channel counts and widths (vector tails), padding,
// strides 1-3, 1x1 / 3x3 / 5x5 / 7x7 / 1x4 windows, dilations 2 and 3, batch 2, clamps and zero points 0 / 128 / 255.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/qconv/qdwconv2d.h"
#include "kernels/qgemm/requantize.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::kernels {
namespace {

// The depthwise entries (the family table merges them with the general ones).
const std::vector<QConv2dImpl>& qdwconv_table() {
  static const std::vector<QConv2dImpl> table = {
      {"qs8_dwconv2d_c4__avx512vnni", Isa::kAvx512Vnni, Backend::kNative, qdwconv2d_c4_supported,
       create_qdwconv2d_avx512vnni},
      {"qs8_dwconv2d_c2__avx2", Isa::kAvx2, Backend::kNative, qdwconv2d_supported, create_qdwconv2d_avx2},
  };
  return table;
}

struct Case {
  int64_t batch, channels, in_h, in_w, kernel_h, kernel_w, stride, dilation, pad;
};

Conv2dShape make_shape(const Case& c) {
  Conv2dShape s;
  s.batch = c.batch;
  s.in_channels = s.out_channels = s.groups = c.channels;
  s.in_h = c.in_h;
  s.in_w = c.in_w;
  s.kernel_h = c.kernel_h;
  s.kernel_w = c.kernel_w;
  s.stride_h = s.stride_w = c.stride;
  s.dilation_h = s.dilation_w = c.dilation;
  s.pad_top = s.pad_left = c.pad;
  s.out_h = (c.in_h + 2 * c.pad - (c.kernel_h - 1) * c.dilation - 1) / c.stride + 1;
  s.out_w = (c.in_w + 2 * c.pad - (c.kernel_w - 1) * c.dilation - 1) / c.stride + 1;
  return s;
}

// acc[n][c][oh][ow] = bias[c] + sum over the taps inside the image of (x - zp) * w.
std::vector<int32_t> reference_acc(const Conv2dShape& s, const std::vector<uint8_t>& x, int32_t zp,
                                   const std::vector<int8_t>& w, const QuantOutput& o) {
  std::vector<int32_t> acc;
  for (int64_t n = 0; n < s.batch; ++n) {
    for (int64_t c = 0; c < s.out_channels; ++c) {
      for (int64_t oh = 0; oh < s.out_h; ++oh) {
        for (int64_t ow = 0; ow < s.out_w; ++ow) {
          int32_t sum = o.channel_bias(c);
          for (int64_t kh = 0; kh < s.kernel_h; ++kh) {
            for (int64_t kw = 0; kw < s.kernel_w; ++kw) {
              const int64_t ih = oh * s.stride_h - s.pad_top + kh * s.dilation_h;
              const int64_t iw = ow * s.stride_w - s.pad_left + kw * s.dilation_w;
              if (ih < 0 || ih >= s.in_h || iw < 0 || iw >= s.in_w) continue;
              const int32_t xv = x[static_cast<size_t>(((n * s.in_channels + c) * s.in_h + ih) * s.in_w + iw)];
              sum += (xv - zp) * w[static_cast<size_t>((c * s.kernel_h + kh) * s.kernel_w + kw)];
            }
          }
          acc.push_back(sum);
        }
      }
    }
  }
  return acc;
}

struct Mode {
  bool float_output;
  bool per_channel;
  uint8_t zero_point, lo, hi;  // uint8 out
  float min, max;              // float out
  bool residual;
};

void check_case(const Case& cs, uint8_t x_zp, const Mode& mode, uint32_t seed) {
  const Conv2dShape s = make_shape(cs);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255), weight(-128, 127), bias(-3000, 3000);
  std::vector<uint8_t> x(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w));
  for (uint8_t& v : x) v = static_cast<uint8_t>(byte(rng));
  std::vector<int8_t> w(static_cast<size_t>(s.out_channels * s.kernel_h * s.kernel_w));
  for (int8_t& v : w) v = static_cast<int8_t>(weight(rng));
  // Extremes: every tap at its largest magnitude somewhere.
  w[0] = -128;
  x[0] = x_zp >= 128 ? 0 : 255;

  QConv2dParams p;
  p.x_zero_point = x_zp;
  QuantOutput& o = p.output;
  o.float_output = mode.float_output;
  const int64_t channels = s.out_channels;
  for (int64_t c = 0; c < (mode.per_channel ? channels : 1); ++c)
    o.scale.push_back(0.0003f * static_cast<float>(c + 1));
  for (int64_t c = 0; c < channels; ++c) o.bias.push_back(bias(rng));
  o.zero_point = mode.zero_point;
  o.lo = mode.lo;
  o.hi = mode.hi;
  o.epilogue.min = mode.min;
  o.epilogue.max = mode.max;
  o.epilogue.residual = mode.residual;

  const std::vector<int32_t> acc = reference_acc(s, x, x_zp, w, o);
  const size_t count = acc.size();
  const int64_t plane = s.out_h * s.out_w;
  std::vector<float> residual = testing::random_floats(count, seed + 1, -2.0f, 2.0f);
  std::vector<uint8_t> want_u8(count);
  std::vector<float> want_f32(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t c = static_cast<int64_t>(i) / plane % channels;
    if (mode.float_output) {
      float v = static_cast<float>(acc[i]) * o.channel_scale(c);
      if (mode.residual) v = v + residual[i];
      want_f32[i] = std::min(std::max(v, mode.min), mode.max);
    } else {
      const FixedPointScale fs = quantize_multiplier(o.channel_scale(c)).value();
      want_u8[i] = static_cast<uint8_t>(requantize(acc[i], fs, mode.zero_point, mode.lo, mode.hi));
    }
  }

  testing::for_each_impl(qdwconv_table(), [&](const QConv2dImpl& impl) {
    if (impl.supports != nullptr && !impl.supports(s)) return;
    auto kernel = impl.create(s, w.data(), p);
    REQUIRE(kernel.ok());
    std::vector<uint8_t> scratch((*kernel)->scratch_bytes() + 64);
    void* aligned = scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64;
    if (mode.float_output) {
      std::vector<float> y(count, -7.0f);
      (*kernel)->run(x.data(), residual.data(), y.data(), aligned);
      CHECK(std::memcmp(y.data(), want_f32.data(), count * sizeof(float)) == 0);
    } else {
      std::vector<uint8_t> y(count, 7);
      (*kernel)->run(x.data(), nullptr, y.data(), aligned);
      CHECK(y == want_u8);
    }
  });
}

const Case kCases[] = {
    // batch, channels, in_h, in_w, kh, kw, stride, dilation, pad
    {1, 3, 7, 9, 3, 3, 1, 1, 1},   {2, 5, 13, 37, 3, 3, 1, 1, 1},
    {1, 7, 14, 33, 3, 3, 2, 1, 1}, {2, 3, 11, 70, 5, 5, 1, 1, 2},
    {1, 5, 17, 41, 5, 5, 2, 1, 2}, {1, 3, 12, 29, 3, 3, 1, 2, 2},
    {1, 3, 15, 23, 3, 3, 2, 2, 1}, {1, 2, 9, 19, 1, 4, 3, 1, 0},
    {1, 1, 1, 1, 3, 3, 1, 1, 1},   {1, 4, 6, 130, 3, 3, 1, 1, 0},
    {2, 9, 5, 5, 5, 5, 1, 1, 3},   {1, 3, 16, 45, 7, 7, 1, 1, 3},
    {1, 3, 13, 50, 3, 3, 2, 3, 3}, {1, 2, 14, 40, 3, 3, 3, 3, 2} /* c4 declines */,
    {1, 5, 9, 17, 1, 1, 1, 1, 0},
};

TEST_CASE("qdwconv: every entry matches the reference, uint8 output") {
  uint32_t seed = 11;
  for (const Case& c : kCases) {
    for (const uint8_t zp : {uint8_t{0}, uint8_t{128}, uint8_t{255}}) {
      CAPTURE(c.in_w);
      CAPTURE(c.kernel_w);
      CAPTURE(c.stride);
      check_case(c, zp, Mode{false, true, 128, 0, 255, 0, 0, false}, ++seed);
      check_case(c, zp, Mode{false, false, 3, 3, 200, 0, 0, false}, ++seed);  // ReLU-like + clip
    }
  }
}

TEST_CASE("qdwconv: every entry matches the reference, float output") {
  uint32_t seed = 101;
  const float inf = std::numeric_limits<float>::infinity();
  for (const Case& c : kCases) {
    for (const uint8_t zp : {uint8_t{0}, uint8_t{128}, uint8_t{255}}) {
      CAPTURE(c.in_w);
      check_case(c, zp, Mode{true, true, 0, 0, 0, -inf, inf, false}, ++seed);
      check_case(c, zp, Mode{true, false, 0, 0, 0, 0.0f, 6.0f, true}, ++seed);
    }
  }
}

TEST_CASE("qdwconv: create rejects bad parameters") {
  Conv2dShape s = make_shape(Case{1, 4, 8, 8, 3, 3, 1, 1, 1});
  std::vector<int8_t> w(36, 1);
  QConv2dParams p;
  p.output.scale = {1.0f, 2.0f};  // neither 1 nor 4
  CHECK_FALSE(create_qdwconv2d_avx2(s, w.data(), p).ok());
  p.output.scale = {0.0f};
  CHECK_FALSE(create_qdwconv2d_avx2(s, w.data(), p).ok());
  p.output.float_output = true;
  p.output.scale = {std::numeric_limits<float>::infinity()};
  CHECK_FALSE(create_qdwconv2d_avx2(s, w.data(), p).ok());
  p.output.scale = {0.5f};
  CHECK(create_qdwconv2d_avx2(s, w.data(), p).ok());
  s.groups = 1;
  CHECK_FALSE(qdwconv2d_supported(s));
  CHECK_FALSE(create_qdwconv2d_avx2(s, w.data(), p).ok());
}

}  // namespace
}  // namespace edgerun::kernels
