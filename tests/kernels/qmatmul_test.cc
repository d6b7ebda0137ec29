// The quantized batched matmul family: every entry against the reference with exact equality (int32
// accumulators, requantized uint8 and float output bit for bit), and the reference against the
// defining sum in int64.
#include "kernels/qgemm/qmatmul.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "tests/kernels/kernel_tester.h"

namespace edgerun::testing {

namespace {

struct MCase {
  int64_t batch, m, n, k;
  bool b_signed, b_transposed;
  uint8_t a_zp;
  int32_t b_zp;
  bool float_output;
  bool residual = false;
  bool per_column = false;  // a scale and a bias per column, else per tensor without bias
};

struct Operands {
  // Strided: rows of A and of B (as stored) are padded by 3 elements, batch items by 5 more.
  int64_t a_rs, a_bs, b_rs, b_bs;
  std::vector<uint8_t> a, b;  // b holds int8 bytes when signed
};

Operands make_operands(const MCase& c, uint32_t seed) {
  Operands o;
  o.a_rs = c.k + 3;
  o.a_bs = c.m * o.a_rs + 5;
  o.b_rs = (c.b_transposed ? c.k : c.n) + 3;
  o.b_bs = (c.b_transposed ? c.n : c.k) * o.b_rs + 5;
  o.a = random_ints<uint8_t>(static_cast<size_t>(c.batch * o.a_bs), seed, 0, 255);
  o.b = random_ints<uint8_t>(static_cast<size_t>(c.batch * o.b_bs), seed + 1, 0, 255);
  return o;
}

kernels::QuantOutput quant_output(const MCase& c, uint32_t seed) {
  kernels::QuantOutput q;
  // Scales mapping the accumulators' spread (about 128 * 128 * sqrt(k)) onto a few hundred steps.
  const float base = 8.0f / (16384.0f * std::sqrt(static_cast<float>(c.k)));
  q.scale = c.per_column ? random_floats(static_cast<size_t>(c.n), seed, 0.5f * base, 2.0f * base)
                         : std::vector<float>{base};
  if (c.per_column) q.bias = random_ints<int32_t>(static_cast<size_t>(c.n), seed + 1, -100000, 100000);
  q.float_output = c.float_output;
  q.zero_point = 128;
  q.lo = 5;
  q.hi = 250;
  q.epilogue.residual = c.residual;
  q.epilogue.min = -3.0f;
  q.epilogue.max = 3.5f;
  return q;
}

struct Outputs {
  std::vector<int32_t> acc;
  std::vector<uint8_t> y;
  std::vector<float> yf;
};

Outputs run_impl(const kernels::QMatMulImpl& impl, const MCase& c, const Operands& o, uint32_t seed) {
  auto made = impl.create({c.batch, c.m, c.n, c.k, c.b_signed, c.b_transposed}, c.a_zp, c.b_zp, quant_output(c, seed));
  REQUIRE(made.ok());
  const kernels::QMatMul& op = **made;
  std::vector<uint64_t> scratch(op.scratch_bytes() / 8 + 8);
  kernels::QMatMulArgs args;
  args.a = o.a.data();
  args.a_batch_stride = o.a_bs;
  args.a_row_stride = o.a_rs;
  args.b = o.b.data();
  args.b_batch_stride = o.b_bs;
  args.b_row_stride = o.b_rs;
  args.scratch = reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 63) & ~uintptr_t{63});
  const size_t size = static_cast<size_t>(c.batch * c.m * c.n);
  Outputs out;
  out.acc.assign(size, 0x5A5A5A5A);
  args.y = out.acc.data();
  op.run_s32(args);
  if (c.float_output) {
    out.yf = random_floats(size, 77, -4.0f, 4.0f);  // also the residual: y itself
    args.residual = out.yf.data();
    args.y = out.yf.data();
  } else {
    out.y.assign(size, 0x5A);
    args.y = out.y.data();
  }
  op.run(args);
  return out;
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
  return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
}

void check_case(const MCase& c, uint32_t seed) {
  CAPTURE(c.batch);
  CAPTURE(c.m);
  CAPTURE(c.n);
  CAPTURE(c.k);
  CAPTURE(c.b_signed);
  CAPTURE(c.b_transposed);
  CAPTURE(static_cast<int>(c.a_zp));
  CAPTURE(c.b_zp);
  CAPTURE(c.float_output);
  const Operands o = make_operands(c, seed);
  const Outputs expected = run_impl(kernels::qmatmul_impls().back(), c, o, seed + 2);
  const std::vector<int32_t> bias = quant_output(c, seed + 2).bias;
  for (int64_t b = 0; b < c.batch; ++b) {
    for (int64_t i = 0; i < c.m; ++i) {
      for (int64_t j = 0; j < c.n; ++j) {
        int64_t sum = bias.empty() ? 0 : bias[static_cast<size_t>(j)];
        for (int64_t p = 0; p < c.k; ++p) {
          const uint8_t raw = o.b[b * o.b_bs + (c.b_transposed ? j * o.b_rs + p : p * o.b_rs + j)];
          const int64_t bv = c.b_signed ? static_cast<int8_t>(raw) : raw;
          sum += (int64_t{o.a[b * o.a_bs + i * o.a_rs + p]} - c.a_zp) * (bv - c.b_zp);
        }
        REQUIRE(sum == expected.acc[static_cast<size_t>((b * c.m + i) * c.n + j)]);
      }
    }
  }
  for_each_impl(kernels::qmatmul_impls(), [&](const kernels::QMatMulImpl& impl) {
    const Outputs got = run_impl(impl, c, o, seed + 2);
    CHECK(got.acc == expected.acc);
    CHECK(got.y == expected.y);
    CHECK(same_bits(got.yf, expected.yf));
  });
}

}  // namespace

TEST_CASE("qmatmul: every entry equals the reference exactly") {
  const MCase cases[] = {
      // batch, m, n, k, b_signed, b_transposed, a_zp, b_zp, float_output, residual, per_column
      {1, 1, 1, 1, false, false, 0, 0, false},
      {3, 5, 7, 3, false, false, 128, 128, false},
      {3, 5, 7, 3, true, true, 255, -128, true, true},
      {3, 17, 33, 13, false, true, 255, 255, false, false, true},
      {3, 9, 65, 66, true, false, 0, 127, true, false, true},
      {2, 23, 70, 31, false, true, 77, 0, true, true, true},
      {3, 1, 40, 64, true, true, 128, 0, false},  // one query row
      {2, 33, 29, 130, false, false, 3, 200, true},
      {3, 16, 64, 64, true, true, 128, 3, false},  // an attention head's Q.K^T (head size 64)
      {3, 16, 64, 128, false, false, 128, 128, true, true},  // P.V
  };
  uint32_t seed = 5;
  for (const MCase& c : cases) check_case(c, seed += 10);
}

TEST_CASE("qmatmul: extreme operands accumulate exactly") {
  // (0 - 255) * (255 - 0) and (255 - 0) * (-128 - 127) over a long depth, near the int32 range.
  for (bool b_signed : {false, true}) {
    const MCase c{2, 3, 19, 4099, b_signed, !b_signed, 0, b_signed ? 127 : 0, false};
    Operands o = make_operands(c, 1);
    std::fill(o.a.begin(), o.a.end(), uint8_t{255});
    std::fill(o.b.begin(), o.b.end(), b_signed ? uint8_t{0x80} : uint8_t{255});
    const Outputs expected = run_impl(kernels::qmatmul_impls().back(), c, o, 3);
    const int64_t one = b_signed ? 255 * (-128 - 127) : 255 * 255;
    CHECK(expected.acc[0] == one * c.k);
    for_each_impl(kernels::qmatmul_impls(), [&](const kernels::QMatMulImpl& impl) {
      CHECK(run_impl(impl, c, o, 3).acc == expected.acc);
    });
  }
}

TEST_CASE("qmatmul: bad zero points and quantization parameters are errors") {
  for_each_impl(kernels::qmatmul_impls(), [&](const kernels::QMatMulImpl& impl) {
    kernels::QuantOutput q;
    q.scale = {0.5f};
    CHECK(impl.create({1, 2, 3, 4, false, false}, 0, 255, q).ok());
    CHECK_FALSE(impl.create({1, 2, 3, 4, false, false}, 0, 256, q).ok());
    CHECK_FALSE(impl.create({1, 2, 3, 4, false, false}, 0, -1, q).ok());
    CHECK_FALSE(impl.create({1, 2, 3, 4, true, false}, 0, 128, q).ok());
    CHECK_FALSE(impl.create({1, 2, 3, 4, true, false}, 0, -129, q).ok());
    q.scale = {0.5f, 0.5f};
    CHECK_FALSE(impl.create({1, 2, 3, 4, true, false}, 0, 0, q).ok());
  });
}

}  // namespace edgerun::testing
