// The u8 x s8 GEMM family: the fixed-point requantization, then every entry against the reference
// with exact equality (int32 accumulators, requantized uint8 and float output bit for bit).
#include "kernels/qgemm/qgemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <tuple>

#include "kernels/qgemm/qgemm_ref.h"
#include "kernels/qgemm/requantize.h"
#include "kernels/qgemm/qs8_gemm.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun::testing {

namespace {

using kernels::Isa;

struct QCase {
  int64_t m, n, k;
  uint8_t a_zp;
  bool bias, per_channel;
  uint8_t y_zp, y_min, y_max;
  int extremes;  // 0: random data; 1: a = 255, b alternating -128 / 127; 2: a = 0 with a_zp 255, b = -128
  // Float output (MatMulIntegerToFloat) instead of uint8: with a residual, clamped to [lo, hi].
  bool float_output = false, residual = false;
  float lo = -INFINITY, hi = INFINITY;
};

struct Outputs {
  std::vector<int32_t> acc;
  std::vector<uint8_t> y;
  std::vector<float> yf;
};

using Create = std::function<Result<std::unique_ptr<kernels::QGemmU8S8>>(const kernels::QGemmShape&, const int8_t*,
                                                                         uint8_t, const kernels::QuantOutput&)>;

kernels::QuantOutput quant_output(const QCase& c, const std::vector<int32_t>& bias, const std::vector<float>& scale) {
  kernels::QuantOutput q;
  q.scale = c.per_channel ? scale : std::vector<float>{scale[0]};
  if (c.bias) q.bias = bias;
  q.float_output = c.float_output;
  q.zero_point = c.y_zp;
  q.lo = c.y_min;
  q.hi = c.y_max;
  q.epilogue.residual = c.residual;
  q.epilogue.min = c.lo;
  q.epilogue.max = c.hi;
  return q;
}

Outputs run_impl(const Create& create, const QCase& c, const std::vector<uint8_t>& a, const std::vector<int8_t>& b,
                 const std::vector<int32_t>& bias, const std::vector<float>& scale) {
  auto made = create({c.m, c.n, c.k}, b.data(), c.a_zp, quant_output(c, bias, scale));
  REQUIRE(made.ok());
  const kernels::QGemmU8S8& op = **made;
  // 64-byte aligned scratch, as the engine gives.
  std::vector<uint64_t> scratch(op.scratch_bytes() / 8 + 8);
  void* s = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) & ~uintptr_t{63});
  Outputs out;
  out.acc.assign(static_cast<size_t>(c.m * c.n), 0x5A5A5A5A);
  op.run_s32(a.data(), out.acc.data(), s);
  if (c.float_output) {
    // The residual is y itself (the in-place skip connection the engine may give).
    out.yf = random_floats(static_cast<size_t>(c.m * c.n), 99, -4.0f, 4.0f);
    op.run(a.data(), out.yf.data(), out.yf.data(), s);
  } else {
    out.y.assign(static_cast<size_t>(c.m * c.n), 0x5A);
    op.run(a.data(), nullptr, out.y.data(), s);
  }
  return out;
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
  return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
}

void check_case(const QCase& c, uint32_t seed) {
  CAPTURE(c.m);
  CAPTURE(c.n);
  CAPTURE(c.k);
  CAPTURE(static_cast<int>(c.a_zp));
  CAPTURE(c.extremes);
  const size_t mk = static_cast<size_t>(c.m * c.k), kn = static_cast<size_t>(c.k * c.n);
  std::vector<uint8_t> a = random_ints<uint8_t>(mk, seed, 0, 255);
  std::vector<int8_t> b = random_ints<int8_t>(kn, seed + 1, -128, 127);
  if (c.extremes == 1) {
    std::fill(a.begin(), a.end(), uint8_t{255});
    for (size_t i = 0; i < kn; ++i) b[i] = static_cast<int8_t>((i / static_cast<size_t>(c.n)) % 7 == 3 ? 127 : -128);
  } else if (c.extremes == 2) {
    std::fill(a.begin(), a.end(), uint8_t{0});
    std::fill(b.begin(), b.end(), int8_t{-128});
  }
  const auto bias = random_ints<int32_t>(static_cast<size_t>(c.n), seed + 2, -100000, 100000);
  // Scales that map the accumulators' spread (about 128 * 128 * sqrt(k)) onto a few hundred steps.
  std::vector<float> scale = random_floats(static_cast<size_t>(c.n), seed + 3, 0.5f, 2.0f);
  for (float& s : scale) s *= 8.0f / (16384.0f * std::sqrt(static_cast<float>(c.k)));
  const Outputs expected = run_impl(kernels::qgemm_u8s8_impls().back().create, c, a, b, bias, scale);
  // The reference itself, in int64: the cases are chosen not to overflow int32.
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      int64_t sum = c.bias ? bias[static_cast<size_t>(j)] : 0;
      for (int64_t p = 0; p < c.k; ++p) sum += (int64_t{a[i * c.k + p]} - c.a_zp) * b[p * c.n + j];
      REQUIRE(sum == expected.acc[static_cast<size_t>(i * c.n + j)]);
    }
  }
  if (c.float_output) {
    const std::vector<float> residual = random_floats(static_cast<size_t>(c.m * c.n), 99, -4.0f, 4.0f);
    for (size_t e = 0; e < residual.size(); ++e) {
      const size_t j = e % static_cast<size_t>(c.n);
      float v = static_cast<float>(expected.acc[e]) * scale[c.per_channel ? j : 0] + (c.residual ? residual[e] : 0.0f);
      v = std::min(std::max(v, c.lo), c.hi);
      REQUIRE(std::fabs(v - expected.yf[e]) <= 1e-6f * (1.0f + std::fabs(v)));
    }
  }
  for_each_impl(kernels::qgemm_u8s8_impls(), [&](const kernels::QGemmU8S8Impl& impl) {
    const Outputs got = run_impl(impl.create, c, a, b, bias, scale);
    CHECK(got.acc == expected.acc);
    CHECK(got.y == expected.y);
    CHECK(same_bits(got.yf, expected.yf));
  });
  // Every tile of every ISA, not only the one each entry picks.
  for (Isa isa : {Isa::kAvx2, Isa::kAvx512Vnni}) {
    if (!kernels::isa_usable(isa)) continue;
    for (const kernels::QGemmTile& tile : kernels::qgemm_tiles(isa)) {
      const std::string name = tile.name;
      CAPTURE(name);
      const Outputs got =
          run_impl([&](const kernels::QGemmShape& shape, const int8_t* w, uint8_t zp,
                       const kernels::QuantOutput& q) { return kernels::create_qgemm_u8s8_tile(shape, tile, w, zp, q); },
                   c, a, b, bias, scale);
      CHECK(got.acc == expected.acc);
      CHECK(got.y == expected.y);
      CHECK(same_bits(got.yf, expected.yf));
    }
  }
}

}  // namespace

TEST_CASE("qgemm requantize: fixed-point scale, rounding half away from zero, clamp") {
  auto one = kernels::quantize_multiplier(1.0);
  REQUIRE(one.ok());
  auto half = kernels::quantize_multiplier(0.5);
  REQUIRE(half.ok());
  const kernels::FixedPointScale h = *half;
  CHECK(kernels::requantize(3, h, 0, -1000, 1000) == 2);    // 1.5 -> 2
  CHECK(kernels::requantize(-3, h, 0, -1000, 1000) == -2);  // -1.5 -> -2
  CHECK(kernels::requantize(5, h, 0, -1000, 1000) == 3);    // 2.5 -> 3
  CHECK(kernels::requantize(-1, h, 0, -1000, 1000) == -1);  // -0.5 -> -1
  CHECK(kernels::requantize(-7, *one, 10, 0, 255) == 3);
  CHECK(kernels::requantize(300, *one, 0, 0, 255) == 255);
  CHECK(kernels::requantize(-2147483647 - 1, *one, 0, -2147483647 - 1, 2147483647) == -2147483647 - 1);
  // Within one step of the real product over a spread of scales and accumulators.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> acc_dist(-2000000000, 2000000000);
  for (double scale : {1e-9, 3.7e-6, 0.000123, 0.0421, 0.73, 1.0, 13.5}) {
    auto s = kernels::quantize_multiplier(scale);
    REQUIRE(s.ok());
    for (int t = 0; t < 100; ++t) {
      const int32_t acc = acc_dist(rng);
      const double real = static_cast<double>(acc) * scale;
      if (std::fabs(real) > 2e9) continue;
      CHECK(std::fabs(kernels::requantize(acc, *s, 0, -2147483647 - 1, 2147483647) - real) <= 1.0);
    }
  }
  CHECK(kernels::quantize_multiplier(1e-12)->multiplier == 0);
  CHECK_FALSE(kernels::quantize_multiplier(0.0).ok());
  CHECK_FALSE(kernels::quantize_multiplier(-1.0).ok());
  CHECK_FALSE(kernels::quantize_multiplier(std::nan("")).ok());
  CHECK_FALSE(kernels::quantize_multiplier(2e9).ok());
}

TEST_CASE("qgemm requantize tiles equal the scalar requantization: ties, extremes, tails") {
  const int64_t rows = 3, cols = 37;
  // Small accumulators (most land inside the clamp; odd ones tie at scales 0.5 and 0.25), then extremes.
  std::vector<int32_t> acc = random_ints<int32_t>(static_cast<size_t>(rows * cols), 5, -1000, 1000);
  const int32_t specials[] = {2147483647, -2147483647 - 1, -3, -5, 3, 5, -1, 1 << 20};
  for (size_t i = 0; i < std::size(specials); ++i) acc[i * 13] = specials[i];
  // Columns alternate exact ties (0.5, 0.25) with random and extreme scales.
  std::vector<float> scale = random_floats(static_cast<size_t>(cols), 6, 1e-9f, 1e-3f);
  for (int64_t j = 0; j < cols; j += 4) scale[static_cast<size_t>(j)] = j % 8 == 0 ? 0.5f : 0.25f;
  scale[1] = 1.0f;
  scale[2] = 1e-12f;
  scale[5] = 3.0f;
  for (auto [zp, lo, hi] : {std::tuple<uint8_t, uint8_t, uint8_t>{128, 0, 255}, {0, 0, 255}, {100, 100, 180}}) {
    auto q = kernels::make_requantization(scale.data(), true, cols, zp, lo, hi);
    REQUIRE(q.ok());
    std::vector<uint8_t> expected(static_cast<size_t>(rows * cols));
    kernels::requantize_rows(*q, 0, acc.data(), cols, rows, cols, expected.data(), cols);
    for (Isa isa : {Isa::kAvx2, Isa::kAvx512Vnni}) {
      if (!kernels::isa_usable(isa)) continue;
      for (const kernels::QGemmTile& tile : kernels::qgemm_tiles(isa)) {
        const std::string name = tile.name;
        CAPTURE(name);
        std::vector<uint8_t> y(static_cast<size_t>(rows * (cols + 1)), 42);  // one column past cols stays
        kernels::x86::QRequantParams p;
        p.acc = acc.data();
        p.ld_acc = cols;
        p.rows = rows;
        p.cols = cols;
        p.multiplier = q->multiplier.data();
        p.shift = q->shift.data();
        p.zero_point = q->zero_point;
        p.lo = q->lo;
        p.hi = q->hi;
        p.y = y.data();
        p.ldy = cols + 1;
        tile.output.requantize(p);
        for (int64_t i = 0; i < rows; ++i) {
          for (int64_t j = 0; j < cols; ++j) CHECK(y[i * (cols + 1) + j] == expected[i * cols + j]);
          CHECK(y[i * (cols + 1) + cols] == 42);
        }
      }
    }
  }
}

TEST_CASE("qgemm u8s8: every entry equals the reference exactly") {
  const QCase cases[] = {
      // m, n, k, a_zp, bias, per_channel, y_zp, y_min, y_max, extremes
      {1, 1, 1, 0, false, false, 0, 0, 255, 0},
      {5, 7, 3, 128, true, true, 128, 0, 255, 0},
      {9, 33, 13, 255, true, true, 3, 3, 255, 0},      // ReLU (y_min = y_zp)
      {17, 65, 66, 0, true, false, 100, 0, 255, 0},    // tails past 64 columns, k % 4 == 2
      {8, 48, 64, 128, false, true, 128, 20, 200, 0},  // clip
      {23, 97, 131, 77, true, true, 0, 0, 255, 0},
      {3, 129, 4608, 0, false, true, 128, 0, 255, 1},   // a = 255, b = +-extremes, large k
      {2, 19, 4607, 255, true, false, 255, 0, 255, 2},  // (0 - 255) * -128 over a large odd k
      {33, 40, 768, 113, true, true, 128, 128, 255, 0},
      {1, 1000, 203, 128, true, true, 128, 0, 255, 0},  // a classifier head (m = 1)
      {2, 70, 35, 3, true, true, 128, 0, 255, 0},
  };
  uint32_t seed = 11;
  for (const QCase& c : cases) check_case(c, seed += 10);
}

TEST_CASE("qgemm u8s8 float output: float(acc + bias) * scale + residual, clamped, bit for bit") {
  const QCase cases[] = {
      // m, n, k, a_zp, bias, per_channel, y_zp, y_min, y_max, extremes, float, residual, lo, hi
      {1, 1, 1, 0, false, false, 0, 0, 255, 0, true, false, -INFINITY, INFINITY},
      {1, 1000, 96, 128, true, true, 0, 0, 255, 0, true, false, -INFINITY, INFINITY},  // classifier head
      {5, 7, 3, 128, true, true, 0, 0, 255, 0, true, true, -INFINITY, INFINITY},
      {17, 65, 66, 0, true, false, 0, 0, 255, 0, true, true, 0.0f, INFINITY},  // ReLU
      {23, 97, 131, 77, true, true, 0, 0, 255, 0, true, false, -0.5f, 0.75f},  // clip
      {33, 40, 768, 113, false, true, 0, 0, 255, 0, true, true, -INFINITY, INFINITY},
      {3, 129, 4608, 0, false, true, 0, 0, 255, 1, true, true, -INFINITY, INFINITY},  // large accumulators
  };
  uint32_t seed = 311;
  for (const QCase& c : cases) check_case(c, seed += 10);
}

TEST_CASE("qgemm u8s8: bad quantization parameters are errors") {
  const std::vector<int8_t> b(12, 1);
  for_each_impl(kernels::qgemm_u8s8_impls(), [&](const kernels::QGemmU8S8Impl& impl) {
    kernels::QuantOutput q;
    q.scale = {-1.0f};
    CHECK_FALSE(impl.create({2, 3, 4}, b.data(), 0, q).ok());
    q.scale = {0.5f};
    q.lo = 10;
    q.hi = 5;
    CHECK_FALSE(impl.create({2, 3, 4}, b.data(), 0, q).ok());
    q.lo = 0;
    q.scale = {0.5f, 0.5f};  // neither 1 nor n = 3 scales
    CHECK_FALSE(impl.create({2, 3, 4}, b.data(), 0, q).ok());
    q.scale = {0.5f};
    q.bias = {1, 2};  // neither 0 nor 3
    CHECK_FALSE(impl.create({2, 3, 4}, b.data(), 0, q).ok());
    q.bias.clear();
    q.float_output = true;
    q.epilogue.min = 1.0f;
    q.epilogue.max = 0.0f;
    CHECK_FALSE(impl.create({2, 3, 4}, b.data(), 0, q).ok());
    q.epilogue.min = 0.0f;
    q.scale = {NAN};
    CHECK_FALSE(impl.create({2, 3, 4}, b.data(), 0, q).ok());
  });
}

}  // namespace edgerun::testing
