// Normalization, softmax-like and MatMul / Gemm ops against direct formulas.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/unit/op_runner.h"

namespace edgerun {
namespace {

using testing::random_values;
using testing::values_of;

void check_close(const std::vector<float>& got, const std::vector<double>& want, double eps = 1e-5) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(eps));
}

TEST_CASE("BatchNormalization and InstanceNormalization follow their formulas") {
  const int64_t n = 2, c = 3, plane = 5;
  const auto x = random_values<float>(n * c * plane, 1);
  const auto scale = random_values<float>(c, 2), bias = random_values<float>(c, 3), mean = random_values<float>(c, 4);
  const auto var = random_values<float>(c, 5, 0.5, 2.0);
  auto bn = testing::run_op(testing::make_node(OpType::kBatchNormalization, 5, 1, 15),
                            {Tensor::from_vector<float>({n, c, plane}, x), Tensor::from_vector<float>({c}, scale),
                             Tensor::from_vector<float>({c}, bias), Tensor::from_vector<float>({c}, mean),
                             Tensor::from_vector<float>({c}, var)});
  REQUIRE(bn.ok());
  auto in = testing::run_op(testing::make_node(OpType::kInstanceNormalization, 3, 1),
                            {Tensor::from_vector<float>({n, c, plane}, x), Tensor::from_vector<float>({c}, scale),
                             Tensor::from_vector<float>({c}, bias)});
  REQUIRE(in.ok());
  std::vector<double> want_bn, want_in;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < c; ++k) {
      const float* p = x.data() + (i * c + k) * plane;
      double m = 0, v = 0;
      for (int64_t j = 0; j < plane; ++j) m += p[j] / double(plane);
      for (int64_t j = 0; j < plane; ++j) v += (p[j] - m) * (p[j] - m) / double(plane);
      for (int64_t j = 0; j < plane; ++j) {
        want_bn.push_back((p[j] - mean[k]) / std::sqrt(var[k] + 1e-5) * scale[k] + bias[k]);
        want_in.push_back((p[j] - m) / std::sqrt(v + 1e-5) * scale[k] + bias[k]);
      }
    }
  }
  check_close(values_of<float>(bn.value()[0]), want_bn);
  check_close(values_of<float>(in.value()[0]), want_in, 1e-4);
}

TEST_CASE("BatchNormalization in training mode is refused, not miscomputed") {
  Node node = testing::make_node(OpType::kBatchNormalization, 5, 3, 15);
  node.attrs.set_int("training_mode", 1);
  const Tensor v = Tensor::from_vector<float>({2}, {1, 1});
  auto y = testing::run_op(node, {Tensor::from_vector<float>({1, 2, 2}, {1, 2, 3, 4}), v, v, v, v});
  REQUIRE_FALSE(y.ok());
  CHECK(y.status().code() == StatusCode::kUnsupported);
}

TEST_CASE("LayerNormalization normalizes trailing dims from axis with broadcast scale and stats outputs") {
  const auto x = random_values<float>(2 * 3 * 4, 11);
  Node node = testing::make_node(OpType::kLayerNormalization, 3, 3);
  node.attrs.set_int("axis", -2);
  node.attrs.set_float("epsilon", 1e-3f);
  const auto scale = random_values<float>(4, 12), bias = random_values<float>(3, 13);
  // scale [4] and bias [3, 1] both broadcast to the normalized shape [3, 4].
  auto y = testing::run_op(node, {Tensor::from_vector<float>({2, 3, 4}, x), Tensor::from_vector<float>({4}, scale),
                                  Tensor::from_vector<float>({3, 1}, bias)});
  REQUIRE(y.ok());
  CHECK(y.value()[1].shape() == Shape{2, 1, 1});
  std::vector<double> want, want_mean, want_inv;
  for (int r = 0; r < 2; ++r) {
    double m = 0, v = 0;
    for (int i = 0; i < 12; ++i) m += x[r * 12 + i] / 12.0;
    for (int i = 0; i < 12; ++i) v += (x[r * 12 + i] - m) * (x[r * 12 + i] - m) / 12.0;
    const double inv = 1.0 / std::sqrt(v + 1e-3);
    for (int i = 0; i < 12; ++i) want.push_back((x[r * 12 + i] - m) * inv * scale[i % 4] + bias[i / 4]);
    want_mean.push_back(m);
    want_inv.push_back(inv);
  }
  check_close(values_of<float>(y.value()[0]), want);
  check_close(values_of<float>(y.value()[1]), want_mean);
  check_close(values_of<float>(y.value()[2]), want_inv);
}

// Softmax over the [outer, n, inner] view, by definition.
std::vector<double> direct_softmax(const std::vector<float>& x, int64_t outer, int64_t n, int64_t inner, int kind) {
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return static_cast<size_t>((o * n + k) * inner + i); };
      double sum = 0;
      int64_t arg = 0;
      for (int64_t k = 0; k < n; ++k) {
        sum += std::exp(double(x[at(k)]));
        if (x[at(k)] > x[at(arg)]) arg = k;
      }
      for (int64_t k = 0; k < n; ++k) {
        y[at(k)] = kind == 0 ? std::exp(double(x[at(k)])) / sum : kind == 1 ? double(x[at(k)]) - std::log(sum) : k == arg;
      }
    }
  }
  return y;
}

TEST_CASE("Softmax family: per-axis from opset 13, 2-D coercion before") {
  const auto x = random_values<float>(2 * 3 * 4, 21, -3, 3);
  const Tensor input = Tensor::from_vector<float>({2, 3, 4}, x);
  const OpType ops[] = {OpType::kSoftmax, OpType::kLogSoftmax, OpType::kHardmax};
  for (int kind = 0; kind < 3; ++kind) {
    Node n13 = testing::make_node(ops[kind], 1, 1, 13);
    n13.attrs.set_int("axis", 1);
    auto y = testing::run_op(n13, {input});
    REQUIRE(y.ok());
    check_close(values_of<float>(y.value()[0]), direct_softmax(x, 2, 3, 4, kind));
    Node n11 = testing::make_node(ops[kind], 1, 1, 11);
    n11.attrs.set_int("axis", 1);
    y = testing::run_op(n11, {input});
    REQUIRE(y.ok());
    check_close(values_of<float>(y.value()[0]), direct_softmax(x, 2, 12, 1, kind));
    y = testing::run_op(testing::make_node(ops[kind], 1, 1, 13), {input});  // default axis -1
    REQUIRE(y.ok());
    check_close(values_of<float>(y.value()[0]), direct_softmax(x, 6, 4, 1, kind));
  }
}

TEST_CASE("MatMul broadcasts batch dims and handles 1-D operands") {
  const auto a = random_values<float>(2 * 1 * 3 * 5, 31), b = random_values<float>(4 * 5 * 2, 32);
  auto y = testing::run_op(testing::make_node(OpType::kMatMul, 2, 1),
                           {Tensor::from_vector<float>({2, 1, 3, 5}, a), Tensor::from_vector<float>({4, 5, 2}, b)});
  REQUIRE(y.ok());
  CHECK(y.value()[0].shape() == Shape{2, 4, 3, 2});
  std::vector<double> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 2; ++c) {
          double s = 0;
          for (int k = 0; k < 5; ++k) s += double(a[(i * 3 + r) * 5 + k]) * b[(j * 5 + k) * 2 + c];
          want.push_back(s);
        }
  check_close(values_of<float>(y.value()[0]), want);

  auto v = testing::run_op(testing::make_node(OpType::kMatMul, 2, 1),
                           {Tensor::from_vector<float>({3}, {1, 2, 3}), Tensor::from_vector<float>({3}, {4, 5, 6})});
  REQUIRE(v.ok());
  CHECK(v.value()[0].shape() == Shape{});
  CHECK(v.value()[0].data<float>()[0] == 32.0f);
  CHECK_FALSE(testing::run_op(testing::make_node(OpType::kMatMul, 2, 1),
                              {Tensor::from_vector<float>({2, 3}, {}), Tensor::from_vector<float>({2, 3}, {})})
                  .ok());
}

TEST_CASE("Gemm applies transposes, alpha, beta and a broadcast C") {
  const auto a = random_values<float>(4 * 3, 41), b = random_values<float>(5 * 4, 42), c = random_values<float>(5, 43);
  Node node = testing::make_node(OpType::kGemm, 3, 1, 13);
  node.attrs.set_int("transA", 1);
  node.attrs.set_int("transB", 1);
  node.attrs.set_float("alpha", 0.5f);
  node.attrs.set_float("beta", -2.0f);
  auto y = testing::run_op(node, {Tensor::from_vector<float>({4, 3}, a), Tensor::from_vector<float>({5, 4}, b),
                                  Tensor::from_vector<float>({1, 5}, c)});
  REQUIRE(y.ok());
  std::vector<double> want;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      double s = 0;
      for (int k = 0; k < 4; ++k) s += double(a[k * 3 + i]) * b[j * 4 + k];
      want.push_back(0.5 * s - 2.0 * c[j]);
    }
  check_close(values_of<float>(y.value()[0]), want);
}

}  // namespace
}  // namespace edgerun
