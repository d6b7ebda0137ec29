// LRN, MeanVarianceNormalization, LpNormalization, LpPool, GlobalLpPool, MaxUnpool, Einsum and Det
// against direct definitions.
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

std::vector<float> run1(const Node& node, const std::vector<Tensor>& inputs, Shape* shape = nullptr) {
  auto y = testing::run_op(node, inputs);
  REQUIRE(y.ok());
  if (shape != nullptr) *shape = y.value()[0].shape();
  return values_of<float>(y.value()[0]);
}

TEST_CASE("LRN sums squares over a channel window clipped to the tensor") {
  const int64_t n = 2, c = 5, plane = 3;
  const auto x = random_values<float>(n * c * plane, 1);
  for (int64_t size : {1, 2, 3, 4}) {
    Node node = testing::make_node(OpType::kLRN, 1, 1);
    node.attrs.set_int("size", size);
    node.attrs.set_float("alpha", 0.02f);
    node.attrs.set_float("beta", 0.6f);
    node.attrs.set_float("bias", 2.0f);
    std::vector<double> want;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t k = 0; k < c; ++k)
        for (int64_t i = 0; i < plane; ++i) {
          double sq = 0;
          for (int64_t j = 0; j < c; ++j) {
            // ONNX: channels max(0, k - floor((size - 1) / 2)) .. min(C - 1, k + ceil((size - 1) / 2)).
            if (j >= k - (size - 1) / 2 && j <= k + (size - 1 + 1) / 2) sq += double(x[(b * c + j) * plane + i]) * x[(b * c + j) * plane + i];
          }
          want.push_back(x[(b * c + k) * plane + i] / std::pow(2.0 + 0.02 / double(size) * sq, 0.6));
        }
    check_close(run1(node, {Tensor::from_vector<float>({n, c, plane}, x)}), want);
  }
}

TEST_CASE("MeanVarianceNormalization uses population statistics over the given axes") {
  const auto x = random_values<float>(2 * 3 * 4, 2);
  Node node = testing::make_node(OpType::kMeanVarianceNormalization, 1, 1);
  node.attrs.set_ints("axes", {0, 2});
  std::vector<double> want(x.size());
  for (int k = 0; k < 3; ++k) {
    double m = 0, v = 0;
    for (int b = 0; b < 2; ++b)
      for (int i = 0; i < 4; ++i) m += x[(b * 3 + k) * 4 + i] / 8.0;
    for (int b = 0; b < 2; ++b)
      for (int i = 0; i < 4; ++i) v += (x[(b * 3 + k) * 4 + i] - m) * (x[(b * 3 + k) * 4 + i] - m) / 8.0;
    for (int b = 0; b < 2; ++b)
      for (int i = 0; i < 4; ++i) want[(b * 3 + k) * 4 + i] = (x[(b * 3 + k) * 4 + i] - m) / (std::sqrt(v) + 1e-9);
  }
  check_close(run1(node, {Tensor::from_vector<float>({2, 3, 4}, x)}), want, 1e-4);
  node.attrs.set_ints("axes", {0, 3});
  CHECK_FALSE(testing::run_op(node, {Tensor::from_vector<float>({2, 3, 4}, x)}).ok());
}

TEST_CASE("LpNormalization divides by the L1 or L2 norm along the axis, zero vectors stay zero") {
  std::vector<float> x = random_values<float>(3 * 4, 3);
  for (int i = 0; i < 4; ++i) x[4 + i] = 0.0f;  // row 1 is all zero
  for (int p : {1, 2}) {
    Node node = testing::make_node(OpType::kLpNormalization, 1, 1);
    node.attrs.set_int("p", p);
    std::vector<double> want;
    for (int r = 0; r < 3; ++r) {
      double norm = 0;
      for (int i = 0; i < 4; ++i) norm += p == 1 ? std::fabs(x[r * 4 + i]) : double(x[r * 4 + i]) * x[r * 4 + i];
      if (p == 2) norm = std::sqrt(norm);
      for (int i = 0; i < 4; ++i) want.push_back(norm == 0 ? 0.0 : x[r * 4 + i] / norm);
    }
    check_close(run1(node, {Tensor::from_vector<float>({3, 4}, x)}), want);
    node.attrs.set_int("axis", 0);  // along columns
    std::vector<double> want_col(x.size());
    for (int i = 0; i < 4; ++i) {
      double norm = 0;
      for (int r = 0; r < 3; ++r) norm += p == 1 ? std::fabs(x[r * 4 + i]) : double(x[r * 4 + i]) * x[r * 4 + i];
      if (p == 2) norm = std::sqrt(norm);
      for (int r = 0; r < 3; ++r) want_col[r * 4 + i] = x[r * 4 + i] / norm;
    }
    check_close(run1(node, {Tensor::from_vector<float>({3, 4}, x)}), want_col);
  }
}

TEST_CASE("LpPool and GlobalLpPool take the p-norm of each window, padding counting as zero") {
  const int64_t h = 5, w = 4;
  const auto x = random_values<float>(2 * h * w, 4);
  for (int p : {1, 2, 3}) {
    Node node = testing::make_node(OpType::kLpPool, 1, 1);
    node.attrs.set_int("p", p);
    node.attrs.set_ints("kernel_shape", {3, 2});
    node.attrs.set_ints("strides", {2, 1});
    node.attrs.set_ints("pads", {1, 0, 1, 1});
    Shape shape;
    const auto got = run1(node, {Tensor::from_vector<float>({1, 2, h, w}, x)}, &shape);
    const int64_t oh = (h + 2 - 3) / 2 + 1, ow = (w + 1 - 2) / 1 + 1;
    CHECK(shape == Shape{1, 2, oh, ow});
    std::vector<double> want;
    for (int c = 0; c < 2; ++c)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double s = 0;
          for (int64_t a = 0; a < 3; ++a)
            for (int64_t b = 0; b < 2; ++b) {
              const int64_t r = i * 2 - 1 + a, q = j + b;
              if (r >= 0 && r < h && q < w) s += std::pow(std::fabs(double(x[(c * h + r) * w + q])), p);
            }
          want.push_back(std::pow(s, 1.0 / p));
        }
    check_close(got, want);
    Node global = testing::make_node(OpType::kGlobalLpPool, 1, 1);
    global.attrs.set_int("p", p);
    std::vector<double> want_global;
    for (int c = 0; c < 2; ++c) {
      double s = 0;
      for (int64_t i = 0; i < h * w; ++i) s += std::pow(std::fabs(double(x[c * h * w + i])), p);
      want_global.push_back(std::pow(s, 1.0 / p));
    }
    check_close(run1(global, {Tensor::from_vector<float>({1, 2, h, w}, x)}, &shape), want_global);
    CHECK(shape == Shape{1, 2, 1, 1});
  }
}

TEST_CASE("MaxUnpool scatters MaxPool's maxima back to their positions") {
  const auto x = random_values<float>(2 * 4 * 6, 5);
  Node pool = testing::make_node(OpType::kMaxPool, 1, 2);
  pool.attrs.set_ints("kernel_shape", {2, 2});
  pool.attrs.set_ints("strides", {2, 2});
  auto pooled = testing::run_op(pool, {Tensor::from_vector<float>({1, 2, 4, 6}, x)});
  REQUIRE(pooled.ok());
  Node unpool = testing::make_node(OpType::kMaxUnpool, 2, 1);
  unpool.attrs.set_ints("kernel_shape", {2, 2});
  unpool.attrs.set_ints("strides", {2, 2});
  Shape shape;
  const auto got = run1(unpool, {pooled.value()[0], pooled.value()[1]}, &shape);
  CHECK(shape == Shape{1, 2, 4, 6});
  // Every element is either its window's maximum (kept) or zero.
  std::vector<double> want(x.size(), 0.0);
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 4; i += 2)
      for (int j = 0; j < 6; j += 2) {
        int best = (c * 4 + i) * 6 + j;
        for (int a = 0; a < 2; ++a)
          for (int b = 0; b < 2; ++b)
            if (x[(c * 4 + i + a) * 6 + j + b] > x[best]) best = (c * 4 + i + a) * 6 + j + b;
        want[best] = x[best];
      }
  check_close(got, want);
  // A larger output_shape pads at the end of each spatial dim; indices keep addressing the 4 x 6 shape.
  Node sized = testing::make_node(OpType::kMaxUnpool, 3, 1);
  sized.attrs = unpool.attrs;
  const auto padded = run1(sized, {pooled.value()[0], pooled.value()[1], Tensor::from_vector<int64_t>({4}, {1, 2, 5, 7})}, &shape);
  CHECK(shape == Shape{1, 2, 5, 7});
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 7; ++j) CHECK(padded[(c * 5 + i) * 7 + j] == (i < 4 && j < 6 ? float(want[(c * 4 + i) * 6 + j]) : 0.0f));
  // An index past the unpooled tensor is an error, not a write out of bounds.
  CHECK_FALSE(testing::run_op(unpool, {Tensor::from_vector<float>({1, 1, 1, 1}, {1}),
                                       Tensor::from_vector<int64_t>({1, 1, 1, 1}, {4})}).ok());
}

Node einsum_node(const std::string& equation, size_t inputs) {
  Node node = testing::make_node(OpType::kEinsum, inputs, 1, 12);
  node.attrs.set_string("equation", equation);
  return node;
}

TEST_CASE("Einsum: batched matmul with broadcast ellipsis, implicit output, transpose") {
  const auto a = random_values<float>(2 * 1 * 3 * 4, 6), b = random_values<float>(5 * 4 * 2, 7);
  Shape shape;
  auto got = run1(einsum_node("...ij,...jk->...ik", 2),
                  {Tensor::from_vector<float>({2, 1, 3, 4}, a), Tensor::from_vector<float>({5, 4, 2}, b)}, &shape);
  CHECK(shape == Shape{2, 5, 3, 2});
  std::vector<double> want;
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 5; ++q)
      for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 2; ++k) {
          double s = 0;
          for (int j = 0; j < 4; ++j) s += double(a[(p * 3 + i) * 4 + j]) * b[(q * 4 + j) * 2 + k];
          want.push_back(s);
        }
  check_close(got, want);
  // Implicit output: the letters used once, in ASCII order: "jB,Ba" -> "aj" (B is summed).
  const auto c = random_values<float>(3 * 2, 8), d = random_values<float>(2 * 4, 9);
  got = run1(einsum_node("jB,Ba", 2), {Tensor::from_vector<float>({3, 2}, c), Tensor::from_vector<float>({2, 4}, d)}, &shape);
  CHECK(shape == Shape{4, 3});
  want.clear();
  for (int aa = 0; aa < 4; ++aa)
    for (int j = 0; j < 3; ++j) want.push_back(double(c[j * 2]) * d[aa] + double(c[j * 2 + 1]) * d[4 + aa]);
  check_close(got, want);
  got = run1(einsum_node("ij->ji", 1), {Tensor::from_vector<float>({3, 2}, c)}, &shape);
  CHECK(shape == Shape{2, 3});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) CHECK(got[j * 3 + i] == c[i * 2 + j]);
}

TEST_CASE("Einsum: repeated labels take diagonals, missing labels are summed") {
  const auto x = random_values<float>(2 * 3 * 3, 10);
  Shape shape;
  auto got = run1(einsum_node("bii->bi", 1), {Tensor::from_vector<float>({2, 3, 3}, x)}, &shape);
  CHECK(shape == Shape{2, 3});
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 3; ++i) CHECK(got[b * 3 + i] == x[(b * 3 + i) * 3 + i]);
  got = run1(einsum_node("bii", 1), {Tensor::from_vector<float>({2, 3, 3}, x)}, &shape);  // trace per batch
  CHECK(shape == Shape{2});
  for (int b = 0; b < 2; ++b) {
    double t = 0;
    for (int i = 0; i < 3; ++i) t += x[(b * 3 + i) * 3 + i];
    CHECK(got[b] == doctest::Approx(t));
  }
  got = run1(einsum_node("bij->", 1), {Tensor::from_vector<float>({2, 3, 3}, x)}, &shape);
  CHECK(shape == Shape{});
  double total = 0;
  for (float v : x) total += v;
  CHECK(got[0] == doctest::Approx(total));
  // Three operands, integer type.
  auto y = testing::run_op(einsum_node("i,i,i->", 3), {Tensor::from_vector<int64_t>({3}, {1, 2, 3}),
                                                     Tensor::from_vector<int64_t>({3}, {4, 5, 6}),
                                                     Tensor::from_vector<int64_t>({3}, {7, 8, 9})});
  REQUIRE(y.ok());
  CHECK(values_of<int64_t>(y.value()[0]) == std::vector<int64_t>{1 * 4 * 7 + 2 * 5 * 8 + 3 * 6 * 9});
  CHECK_FALSE(testing::run_op(einsum_node("ij,jk->ik", 2), {Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6}),
                                                           Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4})}).ok());
}

TEST_CASE("Det matches cofactor expansion on a batch of matrices") {
  const auto x = random_values<float>(2 * 3 * 3, 11);
  Shape shape;
  const auto got = run1(testing::make_node(OpType::kDet, 1, 1), {Tensor::from_vector<float>({2, 3, 3}, x)}, &shape);
  CHECK(shape == Shape{2});
  for (int b = 0; b < 2; ++b) {
    auto m = [&](int i, int j) { return double(x[b * 9 + i * 3 + j]); };
    const double want = m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) +
                        m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
    CHECK(got[b] == doctest::Approx(want).epsilon(1e-5));
  }
  // A singular matrix (needs a pivot swap first) gives 0; a permutation gives its sign.
  CHECK(run1(testing::make_node(OpType::kDet, 1, 1), {Tensor::from_vector<float>({2, 2}, {0, 1, 0, 2})})[0] == 0.0f);
  CHECK(run1(testing::make_node(OpType::kDet, 1, 1), {Tensor::from_vector<float>({2, 2}, {0, 1, 1, 0})})[0] == -1.0f);
}

}  // namespace
}  // namespace edgerun
