// The f32 element-wise families (kernels/eltwise/unary.h, binary.h): every entry against the
// correctly rounded result over the float range (unary), and against the reference entry on tails,
// broadcast shapes, aliasing and special values.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/eltwise/binary.h"
#include "kernels/eltwise/eltwise_ref.h"
#include "kernels/eltwise/unary.h"
#include "tests/kernels/kernel_tester.h"

namespace edgerun {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;
using testing::for_each_impl;
using testing::random_floats;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr UnaryOp kUnaryOps[] = {UnaryOp::kRelu, UnaryOp::kSigmoid, UnaryOp::kTanh,
                                 UnaryOp::kErf,  UnaryOp::kExp,     UnaryOp::kGelu};
constexpr BinaryOp kBinaryOps[] = {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul, BinaryOp::kDiv};

const char* op_name(UnaryOp op) {
  const char* names[] = {"Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Gelu"};
  return names[static_cast<int>(op)];
}

double exact(UnaryOp op, double x) {
  switch (op) {
    case UnaryOp::kRelu: return x < 0 ? 0.0 : x;
    case UnaryOp::kSigmoid: return 1.0 / (1.0 + std::exp(-x));
    case UnaryOp::kTanh: return std::tanh(x);
    case UnaryOp::kErf: return std::erf(x);
    case UnaryOp::kExp: return std::exp(x);
    case UnaryOp::kGelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  }
  return 0;
}

double ulp(double r) {
  const float f = static_cast<float>(std::fabs(r));
  return std::nextafter(f, kInf) - f;
}

// The error bounds documented in kernels/eltwise/unary.h (the reference entry, std:: in float, meets
// them too).
double tolerance(UnaryOp op, double x, double r) {
  constexpr double kSubnormalUlp = 1.401298464324817e-45;
  switch (op) {
    case UnaryOp::kRelu: return 0;
    case UnaryOp::kExp: return 2 * ulp(r) + kSubnormalUlp;
    case UnaryOp::kSigmoid: return 4 * ulp(r) + kSubnormalUlp;
    case UnaryOp::kTanh: return 3e-7 * std::fabs(r) + 2 * ulp(r);
    case UnaryOp::kErf: return std::min(5e-7, 8 * ulp(r) + kSubnormalUlp);
    case UnaryOp::kGelu: return 2.5e-7 * std::fabs(x) + 4 * ulp(r) + kSubnormalUlp;
  }
  return 0;
}

// Every 4099th float bit pattern (both signs, subnormals to the largest finite values).
std::vector<float> float_range() {
  std::vector<float> xs;
  for (uint64_t bits = 0; bits < 0xff800000ull; bits += 4099) {
    const uint32_t b = static_cast<uint32_t>(bits);
    float x;
    std::memcpy(&x, &b, sizeof x);
    if (std::isfinite(x)) xs.push_back(x);
  }
  return xs;
}

TEST_CASE("unary f32 kernels are within their documented error over the float range") {
  const std::vector<float> xs = float_range();
  std::vector<float> y(xs.size());
  for_each_impl(kernels::unary_f32_impls(), [&](const kernels::UnaryF32Impl& impl) {
    for (UnaryOp op : kUnaryOps) {
      CAPTURE(op_name(op));
      impl.run({op, static_cast<int64_t>(xs.size())}, xs.data(), y.data());
      int bad = 0;
      for (size_t i = 0; i < xs.size() && bad < 5; ++i) {
        const double r = exact(op, xs[i]);
        if (std::isinf(y[i]) && std::fabs(r) >= std::numeric_limits<float>::max()) continue;  // overflow
        if (std::fabs(y[i] - r) <= tolerance(op, xs[i], r)) continue;
        ++bad;
        FAIL_CHECK("x " << xs[i] << ": got " << y[i] << ", exact " << r);
      }
    }
  });
}

TEST_CASE("unary f32 kernels give the limits at +-inf and propagate NaN") {
  struct Case {
    UnaryOp op;
    float x, want;  // want NaN: NaN
  };
  const Case cases[] = {
      {UnaryOp::kRelu, kNaN, kNaN},    {UnaryOp::kRelu, -kInf, 0},     {UnaryOp::kRelu, kInf, kInf},
      {UnaryOp::kExp, kNaN, kNaN},     {UnaryOp::kExp, -kInf, 0},      {UnaryOp::kExp, kInf, kInf},
      {UnaryOp::kExp, 89.0f, kInf},    {UnaryOp::kExp, -104.0f, 0},    {UnaryOp::kExp, 0.0f, 1.0f},
      {UnaryOp::kSigmoid, kNaN, kNaN}, {UnaryOp::kSigmoid, -kInf, 0},  {UnaryOp::kSigmoid, kInf, 1},
      {UnaryOp::kSigmoid, -200.0f, 0}, {UnaryOp::kSigmoid, 200.0f, 1}, {UnaryOp::kTanh, kNaN, kNaN},
      {UnaryOp::kTanh, -kInf, -1},     {UnaryOp::kTanh, kInf, 1},      {UnaryOp::kTanh, 0.0f, 0.0f},
      {UnaryOp::kErf, kNaN, kNaN},     {UnaryOp::kErf, -kInf, -1},     {UnaryOp::kErf, kInf, 1},
      {UnaryOp::kErf, 3.95f, 1},       {UnaryOp::kErf, -1e30f, -1},    {UnaryOp::kGelu, kNaN, kNaN},
      {UnaryOp::kGelu, kInf, kInf},    {UnaryOp::kGelu, -kInf, kNaN},  {UnaryOp::kGelu, -1e30f, 0},
      {UnaryOp::kGelu, 1e30f, 1e30f},  {UnaryOp::kGelu, 0.0f, 0.0f},
  };
  for_each_impl(kernels::unary_f32_impls(), [&](const kernels::UnaryF32Impl& impl) {
    for (const Case& c : cases) {
      CAPTURE(op_name(c.op));
      CAPTURE(c.x);
      float y = 0;
      impl.run({c.op, 1}, &c.x, &y);
      if (std::isnan(c.want))
        CHECK(std::isnan(y));
      else
        CHECK(y == c.want);
    }
    // Relu keeps -0 and NaN like the reference.
    const float minus_zero = -0.0f;
    float y = 1;
    impl.run({UnaryOp::kRelu, 1}, &minus_zero, &y);
    CHECK(std::signbit(y));
  });
}

TEST_CASE("unary f32 kernels match the reference on every tail length, in place too") {
  for_each_impl(kernels::unary_f32_impls(), [&](const kernels::UnaryF32Impl& impl) {
    for (UnaryOp op : kUnaryOps) {
      CAPTURE(op_name(op));
      for (int64_t n = 1; n <= 67; ++n) {
        CAPTURE(n);
        const std::vector<float> x = random_floats(static_cast<size_t>(n), static_cast<uint32_t>(n), -9, 9);
        std::vector<float> want(x.size()), got(x.size(), kNaN), in_place = x;
        kernels::unary_f32_ref({op, n}, x.data(), want.data());
        impl.run({op, n}, x.data(), got.data());
        impl.run({op, n}, in_place.data(), in_place.data());
        for (size_t i = 0; i < x.size(); ++i) {
          const double tol = 2 * tolerance(op, x[i], want[i]);
          CHECK(std::fabs(got[i] - want[i]) <= tol);
          CHECK(in_place[i] == got[i]);
        }
      }
    }
  });
}

TEST_CASE("unary f32 kernels split large tensors over threads without seams") {
  const int64_t n = 300001;
  const std::vector<float> x = random_floats(static_cast<size_t>(n), 7, -6, 6);
  std::vector<float> want(x.size()), got(x.size());
  for_each_impl(kernels::unary_f32_impls(), [&](const kernels::UnaryF32Impl& impl) {
    for (UnaryOp op : {UnaryOp::kRelu, UnaryOp::kGelu}) {
      kernels::unary_f32_ref({op, n}, x.data(), want.data());
      impl.run({op, n}, x.data(), got.data());
      double worst = 0;
      for (size_t i = 0; i < x.size(); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(got[i]) - want[i]) / (1 + std::fabs(x[i])));
      CHECK(worst <= 2e-6);
    }
  });
}

using Dims = std::vector<int64_t>;

int64_t count(const Dims& d) {
  int64_t n = 1;
  for (int64_t v : d) n *= v;
  return n;
}

// Random operands with a few infinities, NaNs and zeros (division by zero included).
std::vector<float> operand(const Dims& d, uint32_t seed) {
  std::vector<float> v = random_floats(static_cast<size_t>(count(d)), seed, -4, 4);
  for (size_t i = 0; i < v.size(); i += 13)
    v[i] = (i / 13) % 4 == 0 ? kInf : (i / 13) % 4 == 1 ? kNaN : (i / 13) % 4 == 2 ? 0.0f : -kInf;
  return v;
}

bool same_bits_or_nan(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

TEST_CASE("binary f32 kernels match the reference bit for bit on broadcast shapes") {
  struct Case {
    Dims a, b, y;
  };
  std::vector<Case> cases = {
      {{1, 256, 7, 9}, {1, 256, 7, 9}, {1, 256, 7, 9}},  // same shape, threaded
      {{3, 5, 7, 9}, {5, 1, 1}, {3, 5, 7, 9}},           // per channel
      {{5, 1, 1}, {2, 5, 3, 11}, {2, 5, 3, 11}},         // per channel, first operand
      {{64, 64, 9, 9}, {64, 1, 1}, {64, 64, 9, 9}},      // per channel, threaded over rows
      {{4, 37}, {37}, {4, 37}},                          // bias row
      {{2, 12, 5, 33}, {2, 1, 1, 33}, {2, 12, 5, 33}},   // attention mask
      {{6, 1}, {6, 19}, {6, 19}},                        // per row, first operand
      {{}, {3, 17}, {3, 17}},                            // scalar first
      {{3, 17}, {1}, {3, 17}},                           // scalar second
      {{}, {}, {}},                                      // both scalars
      {{1, 1}, {1, 1}, {1, 1}},
      {{3, 1, 20}, {1, 4, 20}, {3, 4, 20}},  // both broadcast
      {{3, 1, 4}, {1, 5, 4}, {3, 5, 4}},     // rows too short for the vector entries
      {{0, 5}, {5}, {0, 5}},                 // empty
      {{200001}, {1}, {200001}},             // one long row, threaded
  };
  for (int64_t n = 1; n <= 67; ++n) cases.push_back({{n}, {n}, {n}});
  for (int64_t n = 1; n <= 67; ++n) cases.push_back({{2, n}, {n}, {2, n}});
  for_each_impl(kernels::binary_f32_impls(), [&](const kernels::BinaryF32Impl& impl) {
    for (const Case& c : cases) {
      for (BinaryOp op : kBinaryOps) {
        const kernels::BinaryShape shape{op, &c.a, &c.b, &c.y};
        if (impl.supports != nullptr && !impl.supports(shape)) continue;
        CAPTURE(static_cast<int>(op));
        CAPTURE(c.y.size());
        CAPTURE(count(c.y));
        const std::vector<float> a = operand(c.a, 1), b = operand(c.b, 2);
        std::vector<float> want(static_cast<size_t>(count(c.y))), got(want.size(), 42.0f);
        kernels::binary_f32_ref(shape, a.data(), b.data(), want.data());
        impl.run(shape, a.data(), b.data(), got.data());
        int bad = 0;
        for (size_t i = 0; i < want.size(); ++i) bad += same_bits_or_nan(got[i], want[i]) ? 0 : 1;
        CHECK(bad == 0);
        if (c.a == c.y) {  // y aliasing its first operand
          std::vector<float> in_place = a;
          impl.run(shape, in_place.data(), b.data(), in_place.data());
          int differ = 0;
          for (size_t i = 0; i < want.size(); ++i) differ += same_bits_or_nan(in_place[i], want[i]) ? 0 : 1;
          CHECK(differ == 0);
        }
      }
    }
  });
}

TEST_CASE("the vectorised binary entries cover the common broadcasts and leave short rows to the reference") {
  const Dims nchw{1, 256, 56, 56}, c11{256, 1, 1}, scalar{}, bias{768}, rows{128, 768}, a{3, 1, 4}, b{1, 5, 4},
      y{3, 5, 4};
  const kernels::BinaryF32Impl& avx2 = kernels::binary_f32_impls()[1];
  CHECK(avx2.supports({BinaryOp::kAdd, &nchw, &nchw, &nchw}));
  CHECK(avx2.supports({BinaryOp::kMul, &nchw, &c11, &nchw}));
  CHECK(avx2.supports({BinaryOp::kDiv, &nchw, &scalar, &nchw}));
  CHECK(avx2.supports({BinaryOp::kAdd, &rows, &bias, &rows}));
  CHECK_FALSE(avx2.supports({BinaryOp::kAdd, &a, &b, &y}));
}

}  // namespace
}  // namespace edgerun
