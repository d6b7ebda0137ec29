// Reduce* ops, ArgMax and ArgMin against direct loops over a 3-D tensor.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "tests/unit/op_runner.h"

namespace edgerun {
namespace {

using testing::values_of;

constexpr int64_t kDims[3] = {2, 3, 4};

struct ReduceDef {
  OpType op;
  std::function<double(const std::vector<double>&)> fn;
};

double sum_of(const std::vector<double>& v, const std::function<double(double)>& f) {
  double s = 0;
  for (double x : v) s += f(x);
  return s;
}

const std::vector<ReduceDef>& reduce_defs() {
  static const std::vector<ReduceDef> defs = {
      {OpType::kReduceSum, [](const auto& v) { return sum_of(v, [](double x) { return x; }); }},
      {OpType::kReduceMean, [](const auto& v) { return sum_of(v, [](double x) { return x; }) / double(v.size()); }},
      {OpType::kReduceMax, [](const auto& v) { return *std::max_element(v.begin(), v.end()); }},
      {OpType::kReduceMin, [](const auto& v) { return *std::min_element(v.begin(), v.end()); }},
      {OpType::kReduceProd, [](const auto& v) { double p = 1; for (double x : v) p *= x; return p; }},
      {OpType::kReduceL1, [](const auto& v) { return sum_of(v, [](double x) { return std::fabs(x); }); }},
      {OpType::kReduceL2, [](const auto& v) { return std::sqrt(sum_of(v, [](double x) { return x * x; })); }},
      {OpType::kReduceSumSquare, [](const auto& v) { return sum_of(v, [](double x) { return x * x; }); }},
      {OpType::kReduceLogSum, [](const auto& v) { return std::log(sum_of(v, [](double x) { return x; })); }},
      {OpType::kReduceLogSumExp, [](const auto& v) { return std::log(sum_of(v, [](double x) { return std::exp(x); })); }},
  };
  return defs;
}

// Groups x's elements by their kept coordinates (row-major over kept dims) and reduces each group.
std::vector<double> direct_reduce(const std::vector<float>& x, const std::vector<bool>& reduced,
                                  const std::function<double(const std::vector<double>&)>& fn) {
  std::vector<std::vector<double>> groups;
  std::vector<int64_t> key_of;
  for (int64_t i = 0; i < kDims[0]; ++i)
    for (int64_t j = 0; j < kDims[1]; ++j)
      for (int64_t k = 0; k < kDims[2]; ++k) {
        const int64_t idx[3] = {i, j, k};
        int64_t key = 0;
        for (int d = 0; d < 3; ++d) key = reduced[static_cast<size_t>(d)] ? key : key * kDims[d] + idx[d];
        if (static_cast<size_t>(key) >= groups.size()) groups.resize(static_cast<size_t>(key) + 1);
        groups[static_cast<size_t>(key)].push_back(x[static_cast<size_t>((i * 3 + j) * 4 + k)]);
      }
  std::vector<double> out;
  for (const auto& g : groups) out.push_back(fn(g));
  return out;
}

TEST_CASE("Reduce ops match direct reductions over every axes subset, both axes conventions") {
  const auto x = testing::random_values<float>(24, 1, 0.5, 1.5);  // positive: LogSum is defined
  const Tensor input = Tensor::from_vector<float>({2, 3, 4}, x);
  for (const ReduceDef& def : reduce_defs()) {
    for (int mask = 0; mask < 8; ++mask) {
      std::vector<int64_t> axes;
      std::vector<bool> reduced(3);
      for (int d = 0; d < 3; ++d) {
        reduced[static_cast<size_t>(d)] = (mask >> d & 1) != 0 || mask == 0;  // no axes: all
        if (mask >> d & 1) axes.push_back(d == 2 ? -1 : d);
      }
      const std::vector<double> want = direct_reduce(x, reduced, def.fn);
      for (int keepdims : {0, 1}) {
        CAPTURE(op_name(def.op));
        CAPTURE(mask);
        // Opset 11: axes attribute. Opset 13: ReduceSum takes axes as an input.
        const bool as_input = def.op == OpType::kReduceSum;
        Node node = testing::make_node(def.op, as_input ? 2 : 1, 1, as_input ? 13 : 11);
        node.attrs.set_int("keepdims", keepdims);
        std::vector<Tensor> inputs = {input};
        if (as_input) {
          inputs.push_back(Tensor::from_vector<int64_t>({static_cast<int64_t>(axes.size())}, axes));
        } else if (!axes.empty()) {
          node.attrs.set_ints("axes", axes);
        }
        auto y = testing::run_op(node, inputs);
        REQUIRE(y.ok());
        Shape shape;
        for (int d = 0; d < 3; ++d) {
          if (!reduced[static_cast<size_t>(d)]) shape.push_back(kDims[d]);
          else if (keepdims) shape.push_back(1);
        }
        CHECK(y.value()[0].shape() == shape);
        const auto got = values_of<float>(y.value()[0]);
        REQUIRE(got.size() == want.size());
        for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("ReduceSum noop_with_empty_axes and integer exactness") {
  Node node = testing::make_node(OpType::kReduceSum, 2, 1, 13);
  node.attrs.set_int("noop_with_empty_axes", 1);
  const std::vector<int64_t> big = {int64_t{1} << 60, 1, -(int64_t{1} << 60), 7};
  auto y = testing::run_op(node, {Tensor::from_vector<int64_t>({2, 2}, big), Tensor::from_vector<int64_t>({0}, {})});
  REQUIRE(y.ok());
  CHECK(values_of<int64_t>(y.value()[0]) == big);
  node.attrs.set_int("noop_with_empty_axes", 0);
  y = testing::run_op(node, {Tensor::from_vector<int64_t>({2, 2}, big), Tensor::from_vector<int64_t>({1}, {0})});
  REQUIRE(y.ok());
  CHECK(values_of<int64_t>(y.value()[0]) == std::vector<int64_t>{0, 8});  // exact beyond 2^53
  CHECK_FALSE(testing::run_op(node, {Tensor::from_vector<int64_t>({2, 2}, big), Tensor::from_vector<int64_t>({2}, {1, -1})}).ok());
}

TEST_CASE("ArgMax / ArgMin pick the first or last extreme along the axis") {
  // [2, 3] with ties along axis 1.
  const Tensor x = Tensor::from_vector<float>({2, 3}, {1, 5, 5, 2, 2, 0});
  struct Case { OpType op; int last; std::vector<int64_t> want; };
  for (const Case& c : {Case{OpType::kArgMax, 0, {1, 0}}, Case{OpType::kArgMax, 1, {2, 1}},
                        Case{OpType::kArgMin, 0, {0, 2}}, Case{OpType::kArgMin, 1, {0, 2}}}) {
    Node node = testing::make_node(c.op, 1, 1, 12);
    node.attrs.set_int("axis", -1);
    node.attrs.set_int("keepdims", 0);
    node.attrs.set_int("select_last_index", c.last);
    auto y = testing::run_op(node, {x});
    REQUIRE(y.ok());
    CHECK(y.value()[0].shape() == Shape{2});
    CHECK(values_of<int64_t>(y.value()[0]) == c.want);
  }
  Node node = testing::make_node(OpType::kArgMax, 1, 1, 12);
  auto y = testing::run_op(node, {x});  // axis 0, keepdims
  REQUIRE(y.ok());
  CHECK(y.value()[0].shape() == Shape{1, 3});
  CHECK(values_of<int64_t>(y.value()[0]) == std::vector<int64_t>{1, 0, 0});
}

}  // namespace
}  // namespace edgerun
