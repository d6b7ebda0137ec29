// Element-wise ops through their inference and run functions, against references computed here
// independently (libm in double precision, naive index arithmetic for broadcasting, textbook formulas).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "engine/ops/op_kernels.h"
#include "graph/ops/op_schema.h"

namespace edgerun {
namespace {

struct Run {
  Status status;
  std::vector<Tensor> outputs;
};

// Infers and runs one node on `inputs`; an undefined Tensor is an omitted optional input.
Run run_op(OpType op, const std::vector<Tensor>& inputs, const Attributes& attrs = {}, int opset = 17,
           size_t num_outputs = 1) {
  Node node;
  node.name = "n";
  node.op = op;
  node.op_type = op_name(op);
  node.opset = opset;
  node.attrs = attrs;
  std::vector<DType> types;
  std::vector<Shape> shapes;
  std::vector<const Tensor*> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    node.inputs.push_back(inputs[i].defined() ? static_cast<ValueId>(i) : kNoValue);
    types.push_back(inputs[i].dtype());
    shapes.push_back(inputs[i].shape());
    values.push_back(inputs[i].defined() ? &inputs[i] : nullptr);
  }
  for (size_t i = 0; i < num_outputs; ++i) node.outputs.push_back(static_cast<ValueId>(100 + i));
  InferContext ictx(node, types, shapes, values);
  Run r;
  r.status = infer_node(ictx);
  if (!r.status.ok()) return r;
  std::vector<Tensor*> outs;
  r.outputs.resize(num_outputs);
  for (size_t i = 0; i < num_outputs; ++i) {
    r.outputs[i] = Tensor::allocate(ictx.output_type(i), ictx.output_shape(i)).value();
    outs.push_back(&r.outputs[i]);
  }
  KernelContext kctx(node, values, outs);
  r.status = run_function(op)(kctx);
  return r;
}

Tensor run_ok(OpType op, const std::vector<Tensor>& inputs, const Attributes& attrs = {}, int opset = 17) {
  Run r = run_op(op, inputs, attrs, opset);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return r.outputs[0];
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  REQUIRE(t.dtype() == DTypeOf<T>::value);
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

Attributes attrs_f(std::initializer_list<std::pair<const char*, float>> kv) {
  Attributes a;
  for (auto& [k, v] : kv) a.set_float(k, v);
  return a;
}

void check_close(double actual, double expected, double rtol, const std::string& what) {
  INFO(what << ": actual " << actual << " expected " << expected);
  if (std::isnan(expected)) {
    CHECK(std::isnan(actual));
  } else if (std::isinf(expected)) {
    CHECK(actual == expected);
  } else {
    CHECK(std::abs(actual - expected) <= 1e-6 + rtol * std::abs(expected));
  }
}

std::vector<double> uniform(size_t n, double lo, double hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

template <typename T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

struct UnaryCase {
  OpType op;
  std::function<double(double)> ref;
  double lo, hi;
};

TEST_CASE("unary math ops match libm in f32 and f64") {
  const std::vector<UnaryCase> cases = {
      {OpType::kExp, [](double x) { return std::exp(x); }, -10, 10},
      {OpType::kLog, [](double x) { return std::log(x); }, 0.01, 100},
      {OpType::kSqrt, [](double x) { return std::sqrt(x); }, 0, 100},
      {OpType::kReciprocal, [](double x) { return 1 / x; }, 0.5, 4},
      {OpType::kFloor, [](double x) { return std::floor(x); }, -5, 5},
      {OpType::kCeil, [](double x) { return std::ceil(x); }, -5, 5},
      {OpType::kTanh, [](double x) { return std::tanh(x); }, -5, 5},
      {OpType::kErf, [](double x) { return std::erf(x); }, -3, 3},
      {OpType::kSin, [](double x) { return std::sin(x); }, -6, 6},
      {OpType::kCos, [](double x) { return std::cos(x); }, -6, 6},
      {OpType::kTan, [](double x) { return std::tan(x); }, -1.5, 1.5},
      {OpType::kAsin, [](double x) { return std::asin(x); }, -0.99, 0.99},
      {OpType::kAcos, [](double x) { return std::acos(x); }, -0.99, 0.99},
      {OpType::kAtan, [](double x) { return std::atan(x); }, -10, 10},
      {OpType::kSinh, [](double x) { return std::sinh(x); }, -5, 5},
      {OpType::kCosh, [](double x) { return std::cosh(x); }, -5, 5},
      {OpType::kAsinh, [](double x) { return std::asinh(x); }, -10, 10},
      {OpType::kAcosh, [](double x) { return std::acosh(x); }, 1, 10},
      {OpType::kAtanh, [](double x) { return std::atanh(x); }, -0.99, 0.99},
      {OpType::kSigmoid, [](double x) { return 1 / (1 + std::exp(-x)); }, -30, 30},
      {OpType::kSoftplus, [](double x) { return std::log(std::exp(x) + 1); }, -30, 30},
      {OpType::kSoftsign, [](double x) { return x / (1 + std::abs(x)); }, -10, 10},
      {OpType::kAbs, [](double x) { return std::abs(x); }, -10, 10},
      {OpType::kNeg, [](double x) { return -x; }, -10, 10},
      {OpType::kRelu, [](double x) { return x > 0 ? x : 0; }, -10, 10},
      {OpType::kHardSwish, [](double x) { return x * std::max(0.0, std::min(1.0, x / 6 + 0.5)); }, -5, 5},
  };
  for (const UnaryCase& c : cases) {
    const std::vector<double> x = uniform(37, c.lo, c.hi, static_cast<unsigned>(c.op));
    const Tensor yf = run_ok(c.op, {Tensor::from_vector<float>({37}, as<float>(x))});
    const Tensor yd = run_ok(c.op, {Tensor::from_vector<double>({37}, x)});
    for (size_t i = 0; i < x.size(); ++i) {
      const double xf = static_cast<float>(x[i]);
      check_close(yf.data<float>()[i], c.ref(xf), 1e-5, op_name(c.op));
      check_close(yd.data<double>()[i], c.ref(x[i]), 1e-12, op_name(c.op));
    }
  }
}

TEST_CASE("Round is half to even, Sign keeps NaN, Sigmoid saturates without NaN") {
  CHECK(values_of<float>(
            run_ok(OpType::kRound, {Tensor::from_vector<float>({6}, {-2.5f, -1.5f, 0.5f, 1.5f, 2.5f, 2.6f})})) ==
        std::vector<float>{-2, -2, 0, 2, 2, 3});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto s = values_of<float>(run_ok(OpType::kSign, {Tensor::from_vector<float>({4}, {-3.f, 0.f, 2.f, nan})}));
  CHECK(s[0] == -1);
  CHECK(s[1] == 0);
  CHECK(s[2] == 1);
  CHECK(std::isnan(s[3]));
  const auto g = values_of<float>(run_ok(OpType::kSigmoid, {Tensor::from_vector<float>({2}, {-1000.f, 1000.f})}));
  CHECK(g == std::vector<float>{0.f, 1.f});
}

TEST_CASE("integer unary ops wrap instead of overflowing") {
  const auto x = Tensor::from_vector<int8_t>({4}, {-128, -5, 0, 7});
  CHECK(values_of<int8_t>(run_ok(OpType::kAbs, {x})) == std::vector<int8_t>{-128, 5, 0, 7});
  CHECK(values_of<int8_t>(run_ok(OpType::kNeg, {x})) == std::vector<int8_t>{-128, 5, 0, -7});
  CHECK(values_of<int8_t>(run_ok(OpType::kSign, {x})) == std::vector<int8_t>{-1, -1, 0, 1});
  CHECK(values_of<int8_t>(run_ok(OpType::kRelu, {x})) == std::vector<int8_t>{0, 0, 0, 7});
  CHECK(values_of<uint16_t>(run_ok(OpType::kAbs, {Tensor::from_vector<uint16_t>({2}, {65535, 3})})) ==
        std::vector<uint16_t>{65535, 3});
  CHECK_FALSE(run_op(OpType::kNeg, {Tensor::from_vector<uint8_t>({1}, {1})}).status.ok());
  CHECK_FALSE(run_op(OpType::kExp, {Tensor::from_vector<int32_t>({1}, {1})}).status.ok());
}

TEST_CASE("activations follow their formulas and attributes") {
  const std::vector<double> x = uniform(29, -4, 4, 7);
  const Tensor xt = Tensor::from_vector<float>({29}, as<float>(x));
  struct Case {
    OpType op;
    Attributes attrs;
    std::function<double(double)> ref;
  };
  const std::vector<Case> cases = {
      {OpType::kElu, attrs_f({{"alpha", 2.0f}}), [](double v) { return v < 0 ? 2 * (std::exp(v) - 1) : v; }},
      {OpType::kElu, {}, [](double v) { return v < 0 ? std::exp(v) - 1 : v; }},
      {OpType::kSelu, attrs_f({{"alpha", 2.0f}, {"gamma", 3.0f}}),
       [](double v) { return v <= 0 ? 3 * (2 * std::exp(v) - 2) : 3 * v; }},
      {OpType::kSelu,
       {},
       [](double v) {
         return v <= 0 ? 1.0507009873554805 * 1.6732632423543772 * (std::exp(v) - 1) : 1.0507009873554805 * v;
       }},
      {OpType::kCelu, attrs_f({{"alpha", 2.0f}}),
       [](double v) { return std::max(0.0, v) + std::min(0.0, 2 * (std::exp(v / 2) - 1)); }},
      {OpType::kLeakyRelu, attrs_f({{"alpha", 0.1f}}), [](double v) { return v < 0 ? 0.1 * v : v; }},
      {OpType::kLeakyRelu, {}, [](double v) { return v < 0 ? 0.01 * v : v; }},
      {OpType::kThresholdedRelu, attrs_f({{"alpha", 2.0f}}), [](double v) { return v > 2 ? v : 0; }},
      {OpType::kHardSigmoid, attrs_f({{"alpha", 0.5f}, {"beta", 0.6f}}),
       [](double v) { return std::max(0.0, std::min(1.0, 0.5 * v + 0.6)); }},
      {OpType::kShrink, attrs_f({{"lambd", 1.5f}, {"bias", 0.5f}}),
       [](double v) { return v < -1.5  ? v + 0.5
                             : v > 1.5 ? v - 0.5
                                       : 0; }},
  };
  for (const Case& c : cases) {
    const Tensor y = run_ok(c.op, {xt}, c.attrs);
    for (size_t i = 0; i < x.size(); ++i) {
      check_close(y.data<float>()[i], c.ref(static_cast<float>(x[i])), 1e-5, op_name(c.op));
    }
  }
  // Shrink on integers: bias applied in the float domain, converted back.
  CHECK(values_of<int32_t>(run_ok(OpType::kShrink, {Tensor::from_vector<int32_t>({5}, {-5, -1, 0, 1, 5})},
                                  attrs_f({{"lambd", 1.5f}, {"bias", 2.0f}}))) == std::vector<int32_t>{-3, 0, 0, 0, 3});
}

// Naive broadcasting reference: for each output index, each input's index by the numpy rule.
int64_t broadcast_offset(const Shape& in, const Shape& out, int64_t linear) {
  std::vector<int64_t> idx(out.size());
  for (size_t k = out.size(); k-- > 0;) {
    idx[k] = linear % out[k];
    linear /= out[k];
  }
  int64_t off = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    const int64_t i = in[k] == 1 ? 0 : idx[out.size() - in.size() + k];
    off = off * in[k] + i;
  }
  return off;
}

TEST_CASE("binary ops broadcast like numpy") {
  const std::vector<std::pair<Shape, Shape>> pairs = {
      {{2, 3, 4}, {2, 3, 4}},       {{2, 3, 4}, {3, 1}}, {{4, 1, 5}, {1, 3, 1}},    {{}, {2, 2}},     {{1}, {3}},
      {{2, 1, 3, 1}, {1, 4, 1, 5}}, {{3, 4}, {}},        {{2, 3, 4, 5}, {3, 1, 1}}, {{5, 1}, {1, 1}}, {{0, 3}, {3}},
  };
  for (const auto& [as_, bs] : pairs) {
    const Shape out = broadcast_shapes(as_, bs).value();
    const int64_t na = num_elements(as_), nb = num_elements(bs), no = num_elements(out);
    const std::vector<double> a = uniform(static_cast<size_t>(na), -5, 5, 1);
    const std::vector<double> b = uniform(static_cast<size_t>(nb), -5, 5, 2);
    INFO(shape_to_string(as_) << " with " << shape_to_string(bs));
    const Tensor sum = run_ok(
        OpType::kAdd, {Tensor::from_vector<float>(as_, as<float>(a)), Tensor::from_vector<float>(bs, as<float>(b))});
    std::vector<int32_t> ai(a.begin(), a.end()), bi(b.begin(), b.end());
    const Tensor diff =
        run_ok(OpType::kSub, {Tensor::from_vector<int32_t>(as_, ai), Tensor::from_vector<int32_t>(bs, bi)});
    const Tensor less =
        run_ok(OpType::kLess, {Tensor::from_vector<double>(as_, a), Tensor::from_vector<double>(bs, b)});
    REQUIRE(sum.shape() == out);
    REQUIRE(less.dtype() == DType::kBool);
    for (int64_t i = 0; i < no; ++i) {
      const size_t ia = static_cast<size_t>(broadcast_offset(as_, out, i));
      const size_t ib = static_cast<size_t>(broadcast_offset(bs, out, i));
      CHECK(sum.data<float>()[i] == static_cast<float>(a[ia]) + static_cast<float>(b[ib]));
      CHECK(diff.data<int32_t>()[i] == ai[ia] - bi[ib]);
      CHECK(less.data<bool>()[i] == (a[ia] < b[ib]));
    }
  }
  CHECK_FALSE(
      run_op(OpType::kAdd, {Tensor::from_vector<float>({2, 3}, {}), Tensor::from_vector<float>({4}, {})}).status.ok());
  CHECK_FALSE(
      run_op(OpType::kAdd, {Tensor::from_vector<float>({2}, {}), Tensor::from_vector<int32_t>({2}, {})}).status.ok());
}

TEST_CASE("integer Div truncates, and x / 0 and min / -1 are defined") {
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  const auto a = Tensor::from_vector<int32_t>({6}, {7, -7, 7, -7, 5, kMin});
  const auto b = Tensor::from_vector<int32_t>({6}, {2, 2, -2, -2, 0, -1});
  CHECK(values_of<int32_t>(run_ok(OpType::kDiv, {a, b})) == std::vector<int32_t>{3, -3, -3, 3, 0, kMin});
  CHECK(values_of<uint8_t>(run_ok(OpType::kMul, {Tensor::from_vector<uint8_t>({1}, {200}),
                                                 Tensor::from_vector<uint8_t>({1}, {3})})) == std::vector<uint8_t>{88});
  CHECK(values_of<uint16_t>(run_ok(OpType::kMul, {Tensor::from_vector<uint16_t>({1}, {65535}),
                                                  Tensor::from_vector<uint16_t>({1}, {65535})})) ==
        std::vector<uint16_t>{1});
}

TEST_CASE("Mod: sign of divisor by default, sign of dividend with fmod") {
  const std::vector<int64_t> a = {-4, 7, -7, 7, -7, 0, 5, std::numeric_limits<int64_t>::min()};
  const std::vector<int64_t> b = {3, 3, 3, -3, -3, 2, 0, -1};
  Attributes fmod;
  fmod.set_int("fmod", 1);
  const auto py = values_of<int64_t>(run_ok(OpType::kMod, {Tensor::from_vector({8}, a), Tensor::from_vector({8}, b)}));
  const auto c =
      values_of<int64_t>(run_ok(OpType::kMod, {Tensor::from_vector({8}, a), Tensor::from_vector({8}, b)}, fmod));
  for (size_t i = 0; i < a.size(); ++i) {
    if (b[i] == 0 || b[i] == -1) {
      CHECK(py[i] == 0);
      CHECK(c[i] == 0);
      continue;
    }
    const double q = std::floor(static_cast<double>(a[i]) / static_cast<double>(b[i]));
    CHECK(py[i] == a[i] - static_cast<int64_t>(q) * b[i]);
    CHECK(c[i] == static_cast<int64_t>(std::fmod(static_cast<double>(a[i]), static_cast<double>(b[i]))));
  }
  const auto f = values_of<float>(
      run_ok(OpType::kMod,
             {Tensor::from_vector<float>({2}, {-4.5f, 4.5f}), Tensor::from_vector<float>({2}, {2.f, -2.f})}, fmod));
  CHECK(f == std::vector<float>{std::fmod(-4.5f, 2.f), std::fmod(4.5f, -2.f)});
  CHECK_FALSE(
      run_op(OpType::kMod, {Tensor::from_vector<float>({1}, {1}), Tensor::from_vector<float>({1}, {1})}).status.ok());
}

TEST_CASE("Pow: integer powers wrap, mixed types take the base's type") {
  const auto base = Tensor::from_vector<int32_t>({6}, {2, -3, 2, 1, -1, 0});
  const auto exp = Tensor::from_vector<int32_t>({6}, {10, 3, -1, -5, -3, 0});
  CHECK(values_of<int32_t>(run_ok(OpType::kPow, {base, exp})) == std::vector<int32_t>{1024, -27, 0, 1, -1, 1});
  CHECK(values_of<int8_t>(
            run_ok(OpType::kPow, {Tensor::from_vector<int8_t>({1}, {3}), Tensor::from_vector<int8_t>({1}, {5})})) ==
        std::vector<int8_t>{static_cast<int8_t>(243 - 256)});
  const auto fi = run_ok(OpType::kPow, {Tensor::from_vector<float>({3}, {1.5f, -2.f, 4.f}),
                                        Tensor::from_vector<int64_t>({3}, {2, 3, -1})});
  CHECK(values_of<float>(fi) == std::vector<float>{2.25f, -8.f, 0.25f});
  const auto iff = run_ok(OpType::kPow, {Tensor::from_vector<int32_t>({3}, {2, 9, 10}),
                                         Tensor::from_vector<float>({3}, {0.5f, 0.5f, -1.f})});
  CHECK(values_of<int32_t>(iff) == std::vector<int32_t>{1, 3, 0});
  const auto bc = run_ok(OpType::kPow, {Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4}), Tensor::scalar<float>(2.f)});
  CHECK(values_of<float>(bc) == std::vector<float>{1, 4, 9, 16});
}

TEST_CASE("Pow with exponent 2 equals std::pow exactly") {
  const std::vector<float> x = as<float>(uniform(101, -1e3, 1e3, 11));
  const auto y = values_of<float>(run_ok(OpType::kPow, {Tensor::from_vector<float>({101}, x), Tensor::scalar(2.f)}));
  for (size_t i = 0; i < x.size(); ++i) CHECK(y[i] == std::pow(x[i], 2.f));
}

TEST_CASE("PRelu broadcasts the slope to X only") {
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) - 12.f;
  const auto slope = Tensor::from_vector<float>({4}, {0.1f, 0.2f, 0.3f, 0.4f});
  const auto y = run_ok(OpType::kPRelu, {Tensor::from_vector<float>({2, 3, 4}, x), slope});
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(y.data<float>()[i] == (x[i] < 0 ? slope.data<float>()[i % 4] * x[i] : x[i]));
  }
  CHECK_FALSE(run_op(OpType::kPRelu, {Tensor::from_vector<float>({4}, {}), Tensor::from_vector<float>({2, 4}, {})})
                  .status.ok());
}

TEST_CASE("variadic Max, Min, Sum, Mean broadcast all inputs") {
  const auto a = Tensor::from_vector<float>({2, 1}, {1, 5});
  const auto b = Tensor::from_vector<float>({3}, {2, 4, 6});
  const auto c = Tensor::scalar<float>(3.f);
  std::vector<float> mx, mn, sm, me;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      const float va = a.data<float>()[i], vb = b.data<float>()[j], vc = 3.f;
      mx.push_back(std::max({va, vb, vc}));
      mn.push_back(std::min({va, vb, vc}));
      sm.push_back(va + vb + vc);
      me.push_back((va + vb + vc) / 3);
    }
  }
  CHECK(values_of<float>(run_ok(OpType::kMax, {a, b, c})) == mx);
  CHECK(values_of<float>(run_ok(OpType::kMin, {a, b, c})) == mn);
  CHECK(values_of<float>(run_ok(OpType::kSum, {a, b, c})) == sm);
  CHECK(values_of<float>(run_ok(OpType::kMean, {a, b, c})) == me);
  CHECK(values_of<float>(run_ok(OpType::kMax, {a})) == std::vector<float>{1, 5});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto m = values_of<float>(
      run_ok(OpType::kMax, {Tensor::from_vector<float>({2}, {nan, 1}), Tensor::from_vector<float>({2}, {1, nan})}));
  CHECK(std::isnan(m[0]));
  CHECK(std::isnan(m[1]));
  CHECK(values_of<uint64_t>(run_ok(OpType::kMin, {Tensor::from_vector<uint64_t>({2}, {1, ~uint64_t{0}}),
                                                  Tensor::from_vector<uint64_t>({2}, {2, 3})})) ==
        std::vector<uint64_t>{1, 3});
}

TEST_CASE("f16 inputs compute in f32 and round back") {
  std::vector<uint16_t> a, b;
  for (float v : {1.5f, -2.f, 65504.f}) a.push_back(float_to_half(v));
  for (float v : {0.5f, 3.f, 32.f}) b.push_back(float_to_half(v));
  Tensor ta = Tensor::allocate(DType::kF16, {3}).value(), tb = Tensor::allocate(DType::kF16, {3}).value();
  std::copy(a.begin(), a.end(), ta.data<uint16_t>());
  std::copy(b.begin(), b.end(), tb.data<uint16_t>());
  const Tensor mx = run_ok(OpType::kMax, {ta, tb});
  REQUIRE(mx.dtype() == DType::kF16);
  CHECK(half_to_float(mx.data<uint16_t>()[0]) == 1.5f);
  CHECK(half_to_float(mx.data<uint16_t>()[1]) == 3.f);
  CHECK(half_to_float(mx.data<uint16_t>()[2]) == 65504.f);
  const Tensor sum = run_ok(OpType::kAdd, {ta, tb});
  CHECK(half_to_float(sum.data<uint16_t>()[0]) == 2.f);
  CHECK(std::isinf(half_to_float(sum.data<uint16_t>()[2])));  // 65536 is past f16's range
}

TEST_CASE("comparisons and logic give bool") {
  const auto a = Tensor::from_vector<int64_t>({4}, {1, 2, 3, 4});
  const auto b = Tensor::scalar<int64_t>(2);
  CHECK(values_of<bool>(run_ok(OpType::kEqual, {a, b})) == std::vector<bool>{false, true, false, false});
  CHECK(values_of<bool>(run_ok(OpType::kLessOrEqual, {a, b})) == std::vector<bool>{true, true, false, false});
  CHECK(values_of<bool>(run_ok(OpType::kGreater, {a, b})) == std::vector<bool>{false, false, true, true});
  CHECK(values_of<bool>(run_ok(OpType::kGreaterOrEqual, {a, b})) == std::vector<bool>{false, true, true, true});
  const auto p = Tensor::from_vector<bool>({2, 2}, {false, false, true, true});
  const auto q = Tensor::from_vector<bool>({2}, {false, true});
  CHECK(values_of<bool>(run_ok(OpType::kAnd, {p, q})) == std::vector<bool>{false, false, false, true});
  CHECK(values_of<bool>(run_ok(OpType::kOr, {p, q})) == std::vector<bool>{false, true, true, true});
  CHECK(values_of<bool>(run_ok(OpType::kXor, {p, q})) == std::vector<bool>{false, true, true, false});
  CHECK(values_of<bool>(run_ok(OpType::kEqual, {p, q})) == std::vector<bool>{true, false, false, true});
  CHECK(values_of<bool>(run_ok(OpType::kNot, {q})) == std::vector<bool>{true, false});
  CHECK_FALSE(run_op(OpType::kAnd, {a, b}).status.ok());
  CHECK_FALSE(run_op(OpType::kNot, {Tensor::scalar<float>(1.f)}).status.ok());
}

TEST_CASE("BitShift shifts unsigned integers; shifts past the width give 0") {
  Attributes left, right;
  left.set_string("direction", "LEFT");
  right.set_string("direction", "RIGHT");
  const auto x = Tensor::from_vector<uint8_t>({4}, {16, 4, 1, 255});
  const auto s = Tensor::from_vector<uint8_t>({4}, {1, 2, 8, 3});
  CHECK(values_of<uint8_t>(run_ok(OpType::kBitShift, {x, s}, left)) == std::vector<uint8_t>{32, 16, 0, 248});
  CHECK(values_of<uint8_t>(run_ok(OpType::kBitShift, {x, s}, right)) == std::vector<uint8_t>{8, 1, 0, 31});
  const auto big = Tensor::from_vector<uint64_t>({2}, {1, 1});
  CHECK(values_of<uint64_t>(run_ok(OpType::kBitShift, {big, Tensor::from_vector<uint64_t>({2}, {63, 64})}, left)) ==
        std::vector<uint64_t>{uint64_t{1} << 63, 0});
  CHECK_FALSE(run_op(OpType::kBitShift, {x, s}).status.ok());
}

TEST_CASE("IsNaN and IsInf") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const auto x = Tensor::from_vector<float>({4}, {-inf, inf, nan, 1.f});
  CHECK(values_of<bool>(run_ok(OpType::kIsNaN, {x})) == std::vector<bool>{false, false, true, false});
  CHECK(values_of<bool>(run_ok(OpType::kIsInf, {x})) == std::vector<bool>{true, true, false, false});
  Attributes neg_only;
  neg_only.set_int("detect_positive", 0);
  CHECK(values_of<bool>(run_ok(OpType::kIsInf, {x}, neg_only)) == std::vector<bool>{true, false, false, false});
}

TEST_CASE("Where selects with broadcasting of all three inputs") {
  const auto cond = Tensor::from_vector<bool>({2, 1}, {true, false});
  const auto a = Tensor::from_vector<int64_t>({3}, {1, 2, 3});
  const auto b = Tensor::scalar<int64_t>(-1);
  CHECK(values_of<int64_t>(run_ok(OpType::kWhere, {cond, a, b})) == std::vector<int64_t>{1, 2, 3, -1, -1, -1});
  const auto af = Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4});
  const auto bf = Tensor::from_vector<float>({2, 2}, {5, 6, 7, 8});
  CHECK(values_of<float>(run_ok(OpType::kWhere, {Tensor::from_vector<bool>({2}, {false, true}), af, bf})) ==
        std::vector<float>{5, 2, 7, 4});
  CHECK_FALSE(run_op(OpType::kWhere, {a, a, a}).status.ok());
}

Attributes cast_to(DType t) {
  Attributes a;
  a.set_int("to", static_cast<int64_t>(t));
  return a;
}

TEST_CASE("Cast converts between every pair of types") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto x = Tensor::from_vector<float>({6}, {-1.7f, 2.9f, 0.f, nan, 1e10f, -1e10f});
  CHECK(values_of<int32_t>(run_ok(OpType::kCast, {x}, cast_to(DType::kI32))) ==
        std::vector<int32_t>{-1, 2, 0, 0, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()});
  CHECK(values_of<uint8_t>(run_ok(OpType::kCast, {x}, cast_to(DType::kU8))) ==
        std::vector<uint8_t>{0, 2, 0, 0, 255, 0});
  CHECK(values_of<bool>(run_ok(OpType::kCast, {x}, cast_to(DType::kBool))) ==
        std::vector<bool>{true, true, false, true, true, true});
  CHECK(values_of<int8_t>(run_ok(OpType::kCast, {Tensor::from_vector<int32_t>({2}, {300, -129})},
                                 cast_to(DType::kI8))) == std::vector<int8_t>{44, 127});
  CHECK(values_of<double>(run_ok(OpType::kCast, {Tensor::from_vector<bool>({2}, {true, false})},
                                 cast_to(DType::kF64))) == std::vector<double>{1.0, 0.0});
  // f16 round trip: values exact in f16 survive, others round to nearest.
  const auto h = run_ok(OpType::kCast, {Tensor::from_vector<double>({3}, {0.5, -1024.0, 0.1})}, cast_to(DType::kF16));
  REQUIRE(h.dtype() == DType::kF16);
  const auto back = values_of<float>(run_ok(OpType::kCast, {h}, cast_to(DType::kF32)));
  CHECK(back[0] == 0.5f);
  CHECK(back[1] == -1024.f);
  CHECK(std::abs(back[2] - 0.1f) < 1e-4f);
  CHECK(half_to_float(h.data<uint16_t>()[2]) == half_to_float(float_to_half(0.1f)));
  // CastLike takes the type of its second input.
  const auto like = run_ok(OpType::kCastLike, {x, Tensor::scalar<int64_t>(0)});
  CHECK(like.dtype() == DType::kI64);
  CHECK(like.data<int64_t>()[1] == 2);
  CHECK(run_op(OpType::kCast, {x}, cast_to(DType::kString)).status.code() == StatusCode::kUnsupported);
  CHECK_FALSE(run_op(OpType::kCast, {x}).status.ok());
}

TEST_CASE("Clip takes bounds from attributes before opset 11, from inputs after") {
  const float inf = std::numeric_limits<float>::infinity();
  const auto x = Tensor::from_vector<float>({5}, {-inf, -2, 0, 2, inf});
  CHECK(values_of<float>(run_ok(OpType::kClip, {x, Tensor::scalar(-1.f), Tensor::scalar(1.f)})) ==
        std::vector<float>{-1, -1, 0, 1, 1});
  CHECK(values_of<float>(run_ok(OpType::kClip, {x, Tensor(), Tensor::scalar(1.f)})) ==
        std::vector<float>{-inf, -2, 0, 1, 1});
  CHECK(values_of<float>(run_ok(OpType::kClip, {x})) == std::vector<float>{-inf, -2, 0, 2, inf});
  CHECK(values_of<float>(run_ok(OpType::kClip, {x}, attrs_f({{"min", -1.f}}), 6)) ==
        std::vector<float>{-1, -1, 0, 2, inf});
  const auto xi = Tensor::from_vector<int8_t>({4}, {-128, -5, 5, 127});
  CHECK(values_of<int8_t>(run_ok(OpType::kClip, {xi, Tensor::scalar<int8_t>(-10)})) ==
        std::vector<int8_t>{-10, -5, 5, 127});
  CHECK_FALSE(run_op(OpType::kClip, {x, Tensor::from_vector<float>({2}, {0, 1})}).status.ok());
  CHECK_FALSE(run_op(OpType::kClip, {x, Tensor::scalar<double>(0)}).status.ok());
}

TEST_CASE("Identity copies; Dropout in inference mode copies and masks nothing") {
  const auto x = Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4});
  CHECK(values_of<float>(run_ok(OpType::kIdentity, {x})) == std::vector<float>{1, 2, 3, 4});
  Run r = run_op(OpType::kDropout, {x, Tensor::scalar(0.3f)}, {}, 13, 2);
  REQUIRE(r.status.ok());
  CHECK(values_of<float>(r.outputs[0]) == std::vector<float>{1, 2, 3, 4});
  CHECK(values_of<bool>(r.outputs[1]) == std::vector<bool>{true, true, true, true});
  r = run_op(OpType::kDropout, {x}, attrs_f({{"ratio", 0.2f}}), 7, 2);
  REQUIRE(r.status.ok());
  CHECK(values_of<float>(r.outputs[1]) == std::vector<float>{1, 1, 1, 1});
  CHECK(run_op(OpType::kDropout, {x, Tensor::scalar(0.3f), Tensor::scalar(true)}, {}, 13).status.code() ==
        StatusCode::kUnsupported);
  r = run_op(OpType::kDropout, {x, Tensor::scalar(0.f), Tensor::scalar(true)}, {}, 13);
  REQUIRE(r.status.ok());
  CHECK(values_of<float>(r.outputs[0]) == std::vector<float>{1, 2, 3, 4});
}

}  // namespace
}  // namespace edgerun
