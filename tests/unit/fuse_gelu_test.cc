// graph/passes/fuse_gelu: the exported erf GELU in its orders becomes one Gelu node with the same
// results; chains whose intermediates are read elsewhere, or whose constants differ, stay as they are.
#include "graph/passes/fuse_gelu.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "engine/session.h"
#include "graph/passes/infer_shapes.h"
#include "tests/support/tensor_compare.h"

namespace edgerun {
namespace {

enum class Order { kExporter, kHalfFirst, kHalfOfSum };

struct GeluGraph {
  Graph g;
  ValueId x = kNoValue;
  ValueId erf = kNoValue;

  ValueId scalar(const std::string& name, float v) { return g.add_constant(name, Tensor::from_vector<float>({}, {v})); }
  ValueId node(OpType op, const std::vector<ValueId>& inputs, const std::string& out) {
    Node n;
    n.op = op;
    n.op_type = op_name(op);
    n.name = out;
    n.opset = 13;
    n.inputs = inputs;
    n.outputs = {g.value_id(out)};
    g.nodes.push_back(std::move(n));
    return g.nodes.back().outputs[0];
  }

  // y = GELU(x) written as `order`, x / sqrt 2 as a Div or (mul_by_inverse) a Mul; then Relu(y) so the
  // Gelu's output is an intermediate.
  GeluGraph(Order order, bool mul_by_inverse, float sqrt2 = std::sqrt(2.0f)) {
    x = g.value_id("x");
    Value& v = g.value(x);
    v.dtype = DType::kF32;
    v.has_shape = true;
    for (int64_t d : {2, 3, 37}) v.shape.push_back({d, ""});
    g.inputs.push_back(x);
    const ValueId scaled = mul_by_inverse ? node(OpType::kMul, {scalar("inv_sqrt2", 1.0f / sqrt2), x}, "scaled")
                                          : node(OpType::kDiv, {x, scalar("sqrt2", sqrt2)}, "scaled");
    erf = node(OpType::kErf, {scaled}, "erf");
    const ValueId sum = node(OpType::kAdd, {scalar("one", 1.0f), erf}, "sum");
    ValueId y = kNoValue;
    switch (order) {
      case Order::kExporter:
        y = node(OpType::kMul, {node(OpType::kMul, {x, sum}, "xs"), scalar("half", 0.5f)}, "y");
        break;
      case Order::kHalfFirst:
        y = node(OpType::kMul, {node(OpType::kMul, {scalar("half", 0.5f), x}, "hx"), sum}, "y");
        break;
      case Order::kHalfOfSum:
        y = node(OpType::kMul, {x, node(OpType::kMul, {sum, scalar("half", 0.5f)}, "hs")}, "y");
        break;
    }
    g.outputs.push_back(node(OpType::kRelu, {y}, "out"));
  }
};

Tensor random_input(uint32_t seed) {
  Tensor t = Tensor::allocate(DType::kF32, {2, 3, 37}).value();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-6, 6);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

TEST_CASE("fuse_gelu turns the exported erf GELU into one Gelu node in every order") {
  for (Order order : {Order::kExporter, Order::kHalfFirst, Order::kHalfOfSum}) {
    for (bool mul_by_inverse : {false, true}) {
      CAPTURE(static_cast<int>(order));
      CAPTURE(mul_by_inverse);
      GeluGraph b(order, mul_by_inverse);
      Graph fused = b.g;
      REQUIRE(infer_shapes(fused, {{"x", {2, 3, 37}}}).ok());
      CHECK(fuse_gelu(fused) == 1);
      REQUIRE(fused.nodes.size() == 2);
      CHECK(fused.nodes[0].op == OpType::kGelu);
      CHECK(fused.nodes[0].inputs == std::vector<ValueId>{b.x});
      CHECK(fused.nodes[1].op == OpType::kRelu);

      // Same results as the unfused graph on the reference kernels.
      SessionOptions plain;
      plain.fold_constants = false;
      auto reference = Session::from_graph(b.g, plain);
      auto optimized = Session::from_graph(b.g);
      REQUIRE(reference.ok());
      REQUIRE(optimized.ok());
      const std::vector<NamedTensor> inputs = {{"x", random_input(3)}};
      std::vector<NamedTensor> want, got;
      REQUIRE(reference.value()->run(inputs, &want).ok());
      REQUIRE(optimized.value()->run(inputs, &got).ok());
      CHECK(optimized.value()->planned_nodes() == 2);  // the engine ran the Gelu
      const std::string diff = testing::compare_tensors(got[0].tensor, want[0].tensor, {1e-5, 2e-6});
      CHECK_MESSAGE(diff.empty(), diff);
    }
  }
}

TEST_CASE("fuse_gelu leaves chains with other readers or other constants alone") {
  GeluGraph read_twice(Order::kExporter, false);
  read_twice.g.outputs.push_back(read_twice.erf);  // erf(x / sqrt 2) is also an output
  REQUIRE(infer_shapes(read_twice.g, {{"x", {2, 3, 37}}}).ok());
  CHECK(fuse_gelu(read_twice.g) == 0);
  CHECK(read_twice.g.nodes.size() == 6);

  GeluGraph other_constant(Order::kHalfFirst, false, 1.5f);  // x / 1.5: not GELU
  REQUIRE(infer_shapes(other_constant.g, {{"x", {2, 3, 37}}}).ok());
  CHECK(fuse_gelu(other_constant.g) == 0);
}

}  // namespace
}  // namespace edgerun
