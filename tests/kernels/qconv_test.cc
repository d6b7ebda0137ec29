// The u8 x s8 conv2d family: the reference on a hand-checked case, then every entry against the
// reference with exact equality (uint8 bit for bit, float identical), and create() errors.
#include "kernels/qconv/qconv2d.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "kernels/qconv/qconv2d_gemm.h"
#include "kernels/qconv/qconv2d_ref.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::testing {

namespace {

using kernels::Conv2dShape;
using kernels::Isa;
using kernels::QConv2dImpl;
using kernels::QConv2dParams;

enum class Out { kU8, kU8Relu, kU8Clip, kF32, kF32Residual, kF32ResidualAliased };

struct QConvCase {
  int64_t batch, cin, cout, groups, h, w, k, stride, pad, dilation;
  uint8_t x_zp;
  bool bias;
  Out out;
};

Conv2dShape shape_of(const QConvCase& c) {
  Conv2dShape s;
  s.batch = c.batch;
  s.in_channels = c.cin;
  s.out_channels = c.cout;
  s.groups = c.groups;
  s.in_h = c.h;
  s.in_w = c.w;
  s.kernel_h = s.kernel_w = c.k;
  s.stride_h = s.stride_w = c.stride;
  s.dilation_h = s.dilation_w = c.dilation;
  s.pad_top = s.pad_left = c.pad;
  s.out_h = (c.h + 2 * c.pad - c.dilation * (c.k - 1) - 1) / c.stride + 1;
  s.out_w = (c.w + 2 * c.pad - c.dilation * (c.k - 1) - 1) / c.stride + 1;
  return s;
}

// Per-channel scales around the one that spreads the accumulators over the uint8 range.
QConv2dParams params_of(const QConvCase& c, const Conv2dShape& s, uint32_t seed) {
  QConv2dParams p;
  p.x_zero_point = c.x_zp;
  const double depth = static_cast<double>(s.in_channels_per_group() * s.kernel_h * s.kernel_w);
  const bool f32 = c.out == Out::kF32 || c.out == Out::kF32Residual || c.out == Out::kF32ResidualAliased;
  const double base = (f32 ? 2.0 : 100.0) / (std::sqrt(depth) * 128.0 * 80.0);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> factor(0.25, 4.0);
  for (int64_t i = 0; i < c.cout; ++i) p.output.scale.push_back(static_cast<float>(base * factor(rng)));
  if (c.bias) p.output.bias = random_ints<int32_t>(static_cast<size_t>(c.cout), seed + 1, -20000, 20000);
  p.output.float_output = f32;
  p.output.zero_point = 120;
  if (c.out == Out::kU8Relu) p.output.lo = 120;
  if (c.out == Out::kU8Clip) {
    p.output.lo = 100;
    p.output.hi = 180;
  }
  if (f32) {
    p.output.epilogue.residual = c.out != Out::kF32;
    p.output.epilogue.min = -1.5f;
    p.output.epilogue.max = c.out == Out::kF32 ? std::numeric_limits<float>::infinity() : 1.75f;
  }
  return p;
}

struct Buffers {
  std::vector<uint8_t> x;
  std::vector<int8_t> w;
  std::vector<float> residual;
};

// y as bytes (uint8 or float), so uint8 and float outputs compare the same way.
using Create = std::function<Result<std::unique_ptr<kernels::QConv2d>>(const Conv2dShape&, const int8_t*,
                                                                      const QConv2dParams&)>;

std::vector<uint8_t> run_entry(const Create& create, const QConvCase& c, const Buffers& b) {
  const Conv2dShape s = shape_of(c);
  const QConv2dParams p = params_of(c, s, 7);
  auto made = create(s, b.w.data(), p);
  REQUIRE(made.ok());
  const kernels::QConv2d& op = **made;
  std::vector<uint64_t> scratch(op.scratch_bytes() / 8 + 8);
  void* sp = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) & ~uintptr_t{63});
  const size_t count = static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w);
  if (!p.output.float_output) {
    std::vector<uint8_t> y(count, 0x5A);
    op.run(b.x.data(), nullptr, y.data(), sp);
    return y;
  }
  std::vector<float> y(count, -7.0f);
  if (c.out == Out::kF32ResidualAliased) {
    y = b.residual;
    op.run(b.x.data(), y.data(), y.data(), sp);
  } else {
    op.run(b.x.data(), c.out == Out::kF32 ? nullptr : b.residual.data(), y.data(), sp);
  }
  std::vector<uint8_t> bytes(count * sizeof(float));
  std::memcpy(bytes.data(), y.data(), bytes.size());
  return bytes;
}

void check_case(const QConvCase& c, uint32_t seed) {
  CAPTURE(c.batch);
  CAPTURE(c.cin);
  CAPTURE(c.cout);
  CAPTURE(c.groups);
  CAPTURE(c.h);
  CAPTURE(c.w);
  CAPTURE(c.k);
  CAPTURE(c.stride);
  CAPTURE(c.pad);
  CAPTURE(c.dilation);
  CAPTURE(static_cast<int>(c.x_zp));
  CAPTURE(static_cast<int>(c.out));
  const Conv2dShape s = shape_of(c);
  Buffers b;
  b.x = random_ints<uint8_t>(static_cast<size_t>(s.batch * s.in_channels * s.in_h * s.in_w), seed, 0, 255);
  b.w = random_ints<int8_t>(
      static_cast<size_t>(s.out_channels * s.in_channels_per_group() * s.kernel_h * s.kernel_w), seed + 1, -128, 127);
  b.residual = random_floats(static_cast<size_t>(s.batch * s.out_channels * s.out_h * s.out_w), seed + 2, -1.0f, 1.0f);
  const auto& table = kernels::qconv2d_impls();
  const std::vector<uint8_t> want = run_entry(table.back().create, c, b);
  const auto check = [&](const Create& create) {
    const std::vector<uint8_t> got = run_entry(create, c, b);
    size_t mismatches = 0;
    for (size_t i = 0; i < got.size(); ++i) mismatches += got[i] != want[i];
    CHECK(mismatches == 0);
  };
  for_each_impl(table, [&](const QConv2dImpl& impl) {
    if (impl.supports == nullptr || impl.supports(s)) check(impl.create);
  });
  // Every tile of the GEMM entries, on every shape (depthwise included: correct if ever selected).
  for (const Isa isa : {Isa::kAvx512Vnni, Isa::kAvx2}) {
    if (!kernels::isa_usable(isa)) continue;
    for (const kernels::QConvTile& tile : kernels::qconv2d_tiles(isa)) {
      const std::string name = tile.name;
      CAPTURE(name);
      check([&](const Conv2dShape& shape, const int8_t* w, const QConv2dParams& p) {
        return kernels::create_qconv2d_gemm_tile(shape, tile, w, p);
      });
    }
  }
}

}  // namespace

TEST_CASE("qconv2d reference: hand-checked 3x3 pad 1 sums") {
  // x = zp + 1 everywhere, w = 1: y counts the taps inside the image, times the channels.
  Conv2dShape s;
  s.in_channels = 3;
  s.out_channels = 2;
  s.in_h = s.in_w = s.out_h = s.out_w = 4;
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = s.pad_left = 1;
  QConv2dParams p;
  p.x_zero_point = 200;
  p.output.float_output = true;
  p.output.scale = {1.0f, 0.5f};
  p.output.bias = {0, 10};
  const std::vector<int8_t> w(2 * 3 * 9, 1);
  const std::vector<uint8_t> x(3 * 16, 201);
  auto made = kernels::create_qconv2d_ref(s, w.data(), p);
  REQUIRE(made.ok());
  std::vector<float> y(32);
  (*made)->run(x.data(), nullptr, y.data(), nullptr);
  CHECK(y[0] == 12.0f);               // corner: 4 taps x 3 channels
  CHECK(y[1] == 18.0f);               // edge: 6 taps
  CHECK(y[5] == 27.0f);               // inside: 9 taps
  CHECK(y[16 + 5] == (27 + 10) * 0.5f);
}

TEST_CASE("qconv2d: every entry matches the reference exactly") {
  const QConvCase cases[] = {
      // batch, cin, cout, groups, h, w, k, stride, pad, dilation, x_zp, bias, out
      {1, 3, 5, 1, 7, 9, 1, 1, 0, 1, 0, true, Out::kU8},
      {1, 17, 33, 1, 9, 11, 1, 1, 0, 1, 128, true, Out::kU8Relu},
      {2, 33, 17, 1, 13, 5, 3, 1, 1, 1, 255, false, Out::kU8Clip},
      {1, 5, 3, 1, 11, 13, 3, 1, 1, 1, 128, true, Out::kF32},
      {1, 3, 17, 1, 23, 21, 7, 2, 3, 1, 0, true, Out::kU8Relu},
      {1, 16, 24, 1, 12, 12, 3, 1, 2, 2, 128, true, Out::kF32Residual},
      {2, 8, 16, 2, 9, 10, 3, 2, 1, 1, 255, true, Out::kU8},
      {1, 32, 40, 8, 10, 9, 3, 1, 1, 1, 128, false, Out::kF32ResidualAliased},
      {1, 64, 64, 1, 8, 8, 1, 1, 0, 1, 128, true, Out::kU8Relu},
      {1, 64, 70, 1, 7, 7, 3, 1, 1, 1, 0, true, Out::kF32Residual},
      {1, 36, 20, 1, 15, 17, 1, 2, 0, 1, 77, true, Out::kU8},
      {2, 6, 6, 6, 9, 8, 3, 1, 1, 1, 128, true, Out::kU8Clip},  // depthwise
      {1, 20, 130, 2, 20, 20, 1, 1, 0, 1, 255, true, Out::kF32ResidualAliased},
      {1, 9, 7, 1, 40, 37, 5, 1, 2, 1, 3, false, Out::kU8},
      {1, 12, 10, 1, 11, 10, 1, 2, 1, 1, 128, true, Out::kU8},  // 1x1 stride 2 with padding
      {1, 7, 9, 1, 16, 17, 3, 3, 1, 1, 200, true, Out::kF32Residual},
      {2, 5, 6, 1, 13, 14, 1, 3, 0, 1, 9, false, Out::kU8Relu},
      {1, 10, 14, 2, 17, 15, 3, 2, 2, 2, 128, true, Out::kF32},  // stride 2 and dilation 2
      {1, 6, 10, 1, 12, 11, 2, 2, 0, 1, 64, true, Out::kU8Clip},   // 2x2 stride 2, odd width
  };
  uint32_t seed = 11;
  for (const QConvCase& c : cases) check_case(c, seed += 10);
}

TEST_CASE("qconv2d: every entry matches the reference on extreme biases and scales") {
  // Accumulators near the int32 limits (they wrap alike everywhere), scales from 2^-40 to 2^20.
  Conv2dShape s;
  s.in_channels = 5;
  s.out_channels = 12;
  s.in_h = s.in_w = s.out_h = s.out_w = 6;
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = s.pad_left = 1;
  const auto x = random_ints<uint8_t>(5 * 36, 3, 0, 255);
  const auto w = random_ints<int8_t>(12 * 5 * 9, 4, -128, 127);
  QConv2dParams p;
  p.x_zero_point = 255;
  p.output.scale = {1e-12f, 1e-9f, 1e-6f, 0.5f, 1.0f, 1000.0f, 1048576.0f, 0.25f, 3e-5f, 7e-4f, 2.0f, 1e-3f};
  p.output.bias = {2147483647, -2147483647 - 1, 2147000000, -2147000000, 0, 1, -1, 123456789, -987654321,
                   1000000000, -1000000000, 5};
  p.output.zero_point = 128;
  const auto& table = kernels::qconv2d_impls();
  const auto run = [&](const QConv2dImpl& impl) {
    auto made = impl.create(s, w.data(), p);
    REQUIRE(made.ok());
    std::vector<uint64_t> scratch((*made)->scratch_bytes() / 8 + 8);
    void* sp = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) & ~uintptr_t{63});
    std::vector<uint8_t> y(12 * 36, 0x5A);
    (*made)->run(x.data(), nullptr, y.data(), sp);
    return y;
  };
  const std::vector<uint8_t> want = run(table.back());
  for_each_impl(table, [&](const QConv2dImpl& impl) {
    if (impl.supports == nullptr || impl.supports(s)) CHECK(run(impl) == want);
  });
}

TEST_CASE("qconv2d: every entry and tile rounds exact ties of power-of-two scales away from zero") {
  // acc = w * (x - 128) over every x: scales 2^-1 .. 2^-12 make many accumulators exact ties, on both
  // sides of zero, for shifts below and from 33 on (the vector code's two requantization paths).
  Conv2dShape s;
  s.in_channels = 1;
  s.out_channels = 12;
  s.in_h = s.in_w = s.out_h = s.out_w = 16;
  std::vector<uint8_t> x(256);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i);
  const std::vector<int8_t> w = {1, -1, 3, -3, 1, -1, 5, -5, 1, -1, 127, -128};
  QConv2dParams p;
  p.x_zero_point = 128;
  for (int k = 1; k <= 12; ++k) p.output.scale.push_back(std::ldexp(1.0f, -k));
  p.output.zero_point = 128;
  const auto run = [&](const Create& create) {
    auto made = create(s, w.data(), p);
    REQUIRE(made.ok());
    std::vector<uint64_t> scratch((*made)->scratch_bytes() / 8 + 8);
    void* sp = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) & ~uintptr_t{63});
    std::vector<uint8_t> y(12 * 256, 0x5A);
    (*made)->run(x.data(), nullptr, y.data(), sp);
    return y;
  };
  const std::vector<uint8_t> want = run(kernels::qconv2d_impls().back().create);
  CHECK(want[127] == 127);  // channel 0: acc -1 at 2^-1 is -0.5, away from zero -1, plus the zero point
  CHECK(want[129] == 129);  // acc 1: 0.5 rounds to 1
  for_each_impl(kernels::qconv2d_impls(), [&](const QConv2dImpl& impl) {
    if (impl.supports == nullptr || impl.supports(s)) CHECK(run(impl.create) == want);
  });
  for (const Isa isa : {Isa::kAvx512Vnni, Isa::kAvx2}) {
    if (!kernels::isa_usable(isa)) continue;
    for (const kernels::QConvTile& tile : kernels::qconv2d_tiles(isa)) {
      const std::string name = tile.name;
      CAPTURE(name);
      CHECK(run([&](const Conv2dShape& shape, const int8_t* weights, const QConv2dParams& params) {
              return kernels::create_qconv2d_gemm_tile(shape, tile, weights, params);
            }) == want);
    }
  }
}

TEST_CASE("qconv2d: create() rejects bad parameters with an error") {
  Conv2dShape s;
  s.in_channels = 4;
  s.out_channels = 2;
  s.in_h = s.in_w = s.out_h = s.out_w = 4;
  const std::vector<int8_t> w(8, 1);
  const auto bad = [&](const QConv2dParams& p) {
    for_each_impl(kernels::qconv2d_impls(), [&](const QConv2dImpl& impl) { CHECK(!impl.create(s, w.data(), p).ok()); });
  };
  QConv2dParams p;
  p.output.scale = {0.5f, 0.0f};
  bad(p);
  p.output.scale = {-1.0f};
  bad(p);
  p.output.scale = {std::numeric_limits<float>::quiet_NaN()};
  bad(p);
  p.output.scale = {0.5f, 0.5f, 0.5f};
  bad(p);
  p.output.scale = {0.5f};
  p.output.bias = {1};
  bad(p);
  p.output.bias.clear();
  p.output.lo = 200;
  p.output.hi = 100;
  bad(p);
  p.output.lo = 0;
  p.output.hi = 255;
  p.output.float_output = true;
  p.output.scale = {std::numeric_limits<float>::infinity()};
  bad(p);
  p.output.scale = {1.0f};
  s.groups = 3;
  bad(p);
}

}  // namespace edgerun::testing
