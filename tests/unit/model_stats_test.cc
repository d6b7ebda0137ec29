#include <doctest/doctest.h>

#include "graph/model_stats.h"
#include "graph/passes/infer_shapes.h"

namespace edgerun {
namespace {

ValueId add_input(Graph& g, const std::string& name, const Shape& shape) {
  const ValueId id = g.value_id(name);
  Value& v = g.value(id);
  v.dtype = DType::kF32;
  v.has_shape = true;
  for (int64_t d : shape) v.shape.push_back({d, ""});
  g.inputs.push_back(id);
  return id;
}

void add_node(Graph& g, OpType op, std::vector<ValueId> in, const std::string& out, Attributes attrs = {}) {
  Node n;
  n.op = op;
  n.op_type = op_name(op);
  n.name = out;
  n.opset = 13;
  n.inputs = std::move(in);
  n.outputs = {g.value_id(out)};
  n.attrs = std::move(attrs);
  g.nodes.push_back(std::move(n));
}

TEST_CASE("MACs and parameters of Conv, grouped Conv, Gemm and batched MatMul") {
  Graph g;
  const ValueId x = add_input(g, "x", {2, 4, 8, 6});
  Attributes pad1;
  pad1.set_ints("pads", {1, 1, 1, 1});
  // Conv 4->6, 3x3, pad 1: every output element takes 4*3*3 MACs.
  add_node(g, OpType::kConv, {x, g.add_constant("w", Tensor::allocate(DType::kF32, {6, 4, 3, 3}).value())}, "c", pad1);
  // Grouped conv, 2 groups, 6->6: each output element reads 3 input channels.
  Attributes groups = pad1;
  groups.set_int("group", 2);
  add_node(g, OpType::kConv, {g.value_id("c"), g.add_constant("wg", Tensor::allocate(DType::kF32, {6, 3, 3, 3}).value())},
           "cg", groups);
  const ValueId a = add_input(g, "a", {5, 7});
  Attributes trans_b;
  trans_b.set_int("transB", 1);
  add_node(g, OpType::kGemm, {a, g.add_constant("b", Tensor::allocate(DType::kF32, {3, 7}).value())}, "gemm", trans_b);
  const ValueId q = add_input(g, "q", {2, 4, 16, 8});
  const ValueId k = add_input(g, "k", {2, 4, 8, 16});
  add_node(g, OpType::kMatMul, {q, k}, "scores");
  g.outputs = {g.value_id("cg"), g.value_id("gemm"), g.value_id("scores")};

  const ModelStats stats = count_ops_and_parameters(g);
  CHECK(stats.parameters == 6 * 4 * 9 + 6 * 3 * 9 + 3 * 7);
  CHECK(stats.op_counts.at("Conv") == 2);
  REQUIRE(infer_shapes(g, {{"x", {2, 4, 8, 6}}, {"a", {5, 7}}, {"q", {2, 4, 16, 8}}, {"k", {2, 4, 8, 16}}}).ok());
  const int64_t conv = 2 * 6 * 8 * 6 * (4 * 9);
  const int64_t grouped = 2 * 6 * 8 * 6 * (3 * 9);
  const int64_t gemm = 5 * 3 * 7;
  const int64_t matmul = 2 * 4 * 16 * 16 * 8;
  CHECK(count_macs(g) == conv + grouped + gemm + matmul);
}

}  // namespace
}  // namespace edgerun
