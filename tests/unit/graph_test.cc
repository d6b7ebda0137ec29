#include <doctest/doctest.h>

#include "graph/graph.h"
#include "graph/ops/op_type.h"

namespace edgerun {
namespace {

Node make_node(Graph& g, const std::string& name, OpType op, std::vector<std::string> in, std::vector<std::string> out) {
  Node n;
  n.name = name;
  n.op = op;
  n.op_type = op_name(op);
  for (auto& s : in) n.inputs.push_back(g.value_id(s));
  for (auto& s : out) n.outputs.push_back(g.value_id(s));
  return n;
}

TEST_CASE("op list gives names and lookup both ways") {
  CHECK(std::string(op_name(OpType::kConv)) == "Conv");
  CHECK(find_op("MatMul") == OpType::kMatMul);
  CHECK_FALSE(find_op("NoSuchOp").has_value());
}

TEST_CASE("topological sort orders producers first") {
  Graph g;
  g.inputs.push_back(g.value_id("x"));
  g.nodes.push_back(make_node(g, "b", OpType::kRelu, {"y"}, {"z"}));
  g.nodes.push_back(make_node(g, "a", OpType::kAbs, {"x"}, {"y"}));
  g.outputs.push_back(g.value_id("z"));
  REQUIRE(g.topological_sort().ok());
  CHECK(g.nodes[0].name == "a");
  CHECK(g.nodes[1].name == "b");
}

TEST_CASE("topological sort reports a cycle and a missing input") {
  Graph g;
  g.inputs.push_back(g.value_id("x"));
  g.nodes.push_back(make_node(g, "a", OpType::kAdd, {"x", "z"}, {"y"}));
  g.nodes.push_back(make_node(g, "b", OpType::kRelu, {"y"}, {"z"}));
  g.outputs.push_back(g.value_id("z"));
  Status st = g.topological_sort();
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("cycle") != std::string::npos);

  Graph h;
  h.nodes.push_back(make_node(h, "a", OpType::kRelu, {"w"}, {"y"}));
  h.outputs.push_back(h.value_id("y"));
  st = h.topological_sort();
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("'w'") != std::string::npos);
}

TEST_CASE("shape helpers guard against overflow and bad broadcast") {
  CHECK(checked_num_elements({2, 3, 4}).value() == 24);
  CHECK_FALSE(checked_num_elements({int64_t{1} << 30, int64_t{1} << 30, 4}).ok());
  CHECK_FALSE(checked_num_elements({2, -1}).ok());
  CHECK(broadcast_shapes({2, 1, 4}, {3, 1}).value() == Shape{2, 3, 4});
  CHECK_FALSE(broadcast_shapes({2, 3}, {4}).ok());
}

TEST_CASE("half conversion round trips") {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f}) {
    CHECK(half_to_float(float_to_half(f)) == f);
  }
}

}  // namespace
}  // namespace edgerun
