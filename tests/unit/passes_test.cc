#include <doctest/doctest.h>

#include <random>

#include "engine/plan.h"
#include "engine/session.h"
#include "graph/passes/eliminate_dead_nodes.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/fuse_activations.h"
#include "graph/passes/infer_shapes.h"
#include "tests/support/tensor_compare.h"

namespace edgerun {
namespace {

// Builds small graphs node by node.
struct GraphBuilder {
  Graph g;
  std::mt19937 rng{3};

  ValueId input(const std::string& name, DType t, const Shape& shape) {
    const ValueId id = g.value_id(name);
    Value& v = g.value(id);
    v.dtype = t;
    v.has_shape = true;
    for (int64_t d : shape) v.shape.push_back({d, ""});
    g.inputs.push_back(id);
    return id;
  }
  ValueId random_constant(const std::string& name, const Shape& shape, float lo, float hi) {
    Tensor t = Tensor::allocate(DType::kF32, shape).value();
    std::uniform_real_distribution<float> u(lo, hi);
    for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
    return g.add_constant(name, t);
  }
  ValueId node(OpType op, const std::vector<ValueId>& inputs, const std::string& out, Attributes attrs = {}) {
    Node n;
    n.op = op;
    n.op_type = op_name(op);
    n.name = out + "_node";
    n.opset = 13;
    n.inputs = inputs;
    n.outputs = {g.value_id(out)};
    n.attrs = std::move(attrs);
    g.nodes.push_back(std::move(n));
    return g.nodes.back().outputs[0];
  }
  int count(OpType op) const {
    int n = 0;
    for (const Node& node : g.nodes) n += node.op == op;
    return n;
  }
};

Tensor random_tensor(const Shape& shape, uint32_t seed) {
  Tensor t = Tensor::allocate(DType::kF32, shape).value();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

// Runs the graph with and without passes; the unoptimized run executes every node on the reference
// kernels exactly as written, so it is the oracle for the rewritten graph.
void check_passes_preserve_results(const Graph& g, const std::vector<NamedTensor>& inputs) {
  SessionOptions plain;
  plain.fold_constants = false;
  auto reference = Session::from_graph(g, plain);
  auto optimized = Session::from_graph(g);
  REQUIRE(reference.ok());
  REQUIRE(optimized.ok());
  std::vector<NamedTensor> expected, actual;
  Status st = reference.value()->run(inputs, &expected);
  REQUIRE_MESSAGE(st.ok(), st.to_string());
  st = optimized.value()->run(inputs, &actual);
  REQUIRE_MESSAGE(st.ok(), st.to_string());
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    CHECK_MESSAGE(testing::compare_tensors(actual[i].tensor, expected[i].tensor, {1e-4, 1e-5}).empty(),
                  testing::compare_tensors(actual[i].tensor, expected[i].tensor, {1e-4, 1e-5}));
  }
  CHECK(optimized.value()->planned_nodes() < reference.value()->planned_nodes());
}

GraphBuilder conv_bn_relu() {
  GraphBuilder b;
  const ValueId x = b.input("x", DType::kF32, {1, 3, 9, 7});
  Attributes conv_attrs;
  conv_attrs.set_ints("pads", {1, 1, 1, 1});
  const ValueId y = b.node(OpType::kConv, {x, b.random_constant("w", {5, 3, 3, 3}, -1, 1),
                                           b.random_constant("b", {5}, -1, 1)}, "y", conv_attrs);
  const ValueId z = b.node(OpType::kBatchNormalization,
                           {y, b.random_constant("gamma", {5}, 0.5f, 2), b.random_constant("beta", {5}, -1, 1),
                            b.random_constant("mean", {5}, -1, 1), b.random_constant("var", {5}, 0.1f, 3)},
                           "z");
  b.g.outputs.push_back(b.node(OpType::kRelu, {z}, "out"));
  return b;
}

TEST_CASE("BatchNorm folds into Conv and ReLU fuses, with unchanged results") {
  GraphBuilder b = conv_bn_relu();
  Graph folded = b.g;
  REQUIRE(infer_shapes(folded, {{"x", {1, 3, 9, 7}}}).ok());
  CHECK(fold_batch_norm(folded).value() == 1);
  CHECK(fuse_activations(folded) == 1);
  CHECK(folded.nodes.size() == 1);
  check_passes_preserve_results(b.g, {{"x", random_tensor({1, 3, 9, 7}, 1)}});
}

TEST_CASE("a Conv output read twice is neither folded nor fused") {
  GraphBuilder b = conv_bn_relu();
  const ValueId conv_out = b.g.nodes[0].outputs[0];
  b.g.outputs.push_back(conv_out);
  CHECK(fold_batch_norm(b.g).value() == 0);
  GraphBuilder c = conv_bn_relu();
  REQUIRE(infer_shapes(c.g, {{"x", {1, 3, 9, 7}}}).ok());
  c.g.outputs.push_back(c.g.nodes[1].outputs[0]);  // the BN output is also a graph output
  CHECK(fuse_activations(c.g) == 0);
}

TEST_CASE("dead-node elimination drops unused branches and bypasses Identity") {
  GraphBuilder b;
  const ValueId x = b.input("x", DType::kF32, {4});
  const ValueId i = b.node(OpType::kIdentity, {x}, "i");
  b.node(OpType::kExp, {i}, "unused");
  b.g.outputs.push_back(b.node(OpType::kNeg, {i}, "out"));
  Graph g = b.g;
  CHECK(eliminate_dead_nodes(g) == 2);
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0].inputs[0] == x);
  check_passes_preserve_results(b.g, {{"x", random_tensor({4}, 2)}});
}

TEST_CASE("shape subgraphs fold to constants once input shapes are bound") {
  // y = Reshape(x, Concat(Shape(x)[0], [-1])): after binding x to [2,3,4] only Reshape remains.
  GraphBuilder b;
  const ValueId x = b.input("x", DType::kF32, {2, 3, 4});
  const ValueId s = b.node(OpType::kShape, {x}, "s");
  Attributes axis0;
  axis0.set_int("axis", 0);
  const ValueId n = b.node(OpType::kGather, {s, b.g.add_constant("zero", Tensor::from_vector<int64_t>({1}, {0}))}, "n", axis0);
  const ValueId shape = b.node(OpType::kConcat, {n, b.g.add_constant("minus1", Tensor::from_vector<int64_t>({1}, {-1}))},
                               "shape", axis0);
  b.g.outputs.push_back(b.node(OpType::kReshape, {x, shape}, "y"));
  check_passes_preserve_results(b.g, {{"x", random_tensor({2, 3, 4}, 3)}});
  auto session = Session::from_graph(b.g);
  std::vector<NamedTensor> out;
  REQUIRE(session.value()->run({{"x", random_tensor({2, 3, 4}, 3)}}, &out).ok());
  CHECK(session.value()->planned_nodes() == 1);
  CHECK(out[0].tensor.shape() == Shape{2, 12});
}

TEST_CASE("inputs are checked against the model's declared shape") {
  GraphBuilder b;
  b.input("x", DType::kF32, {1, 4});
  b.g.outputs.push_back(b.node(OpType::kRelu, {b.g.inputs[0]}, "y"));
  auto session = Session::from_graph(b.g);
  std::vector<NamedTensor> out;
  Status st = session.value()->run({{"x", random_tensor({1, 5}, 1)}}, &out);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message().find("dim 1 is 4") != std::string::npos);
  st = session.value()->run({{"y", random_tensor({1, 4}, 1)}}, &out);
  CHECK(st.message() == "the model has no input named 'y'");
  st = session.value()->run({}, &out);
  CHECK(st.message() == "missing input 'x'");
  Tensor wrong_type = Tensor::from_vector<int32_t>({1, 4}, {1, 2, 3, 4});
  st = session.value()->run({{"x", wrong_type}}, &out);
  CHECK(st.message().find("type i32") != std::string::npos);
}

}  // namespace
}  // namespace edgerun

namespace edgerun {
namespace {

// The compile statistics of a graph built for its declared input shapes.
CompileStats compile_stats(const Graph& g) {
  std::map<std::string, Shape> shapes;
  for (ValueId id : g.inputs) shapes[g.value(id).name] = concrete_shape(g.value(id));
  auto plan = Plan::compile(g, shapes, CompileOptions{});
  REQUIRE_MESSAGE(plan.ok(), plan.status().to_string());
  return plan.value()->stats();
}

Attributes pads(int64_t p) {
  Attributes a;
  a.set_ints("pads", {p, p, p, p});
  return a;
}

TEST_CASE("a residual Add folds into the Conv before it, even when the other branch is computed later") {
  GraphBuilder b;
  const ValueId x = b.input("x", DType::kF32, {2, 4, 7, 5});
  const ValueId h = b.node(OpType::kRelu, {b.node(OpType::kConv, {x, b.random_constant("w1", {6, 4, 3, 3}, -1, 1),
                                                                  b.random_constant("b1", {6}, -1, 1)},
                                                  "c1", pads(1))},
                           "h");
  const ValueId main = b.node(OpType::kConv, {h, b.random_constant("w2", {6, 6, 3, 3}, -1, 1)}, "c2", pads(1));
  // The downsample branch comes after the main branch in node order, as in PyTorch's ResNet export.
  const ValueId skip = b.node(OpType::kConv, {x, b.random_constant("wd", {6, 4, 1, 1}, -1, 1)}, "down");
  b.g.outputs.push_back(b.node(OpType::kRelu, {b.node(OpType::kAdd, {main, skip}, "sum")}, "out"));
  const CompileStats stats = compile_stats(b.g);
  CHECK(stats.fused_adds == 1);
  CHECK(stats.fused_activations == 2);
  check_passes_preserve_results(b.g, {{"x", random_tensor({2, 4, 7, 5}, 11)}});
}

TEST_CASE("MatMul takes a bias vector and then a residual, as PyTorch's Linear on 3-D inputs exports") {
  GraphBuilder b;
  const ValueId x = b.input("x", DType::kF32, {2, 5, 8});
  const ValueId r = b.input("r", DType::kF32, {2, 5, 6});
  const ValueId mm = b.node(OpType::kMatMul, {x, b.random_constant("w", {8, 6}, -1, 1)}, "mm");
  const ValueId biased = b.node(OpType::kAdd, {b.random_constant("bias", {6}, -1, 1), mm}, "biased");
  b.g.outputs.push_back(b.node(OpType::kAdd, {biased, r}, "out"));
  CHECK(compile_stats(b.g).fused_adds == 2);
  check_passes_preserve_results(b.g, {{"x", random_tensor({2, 5, 8}, 12)}, {"r", random_tensor({2, 5, 6}, 13)}});
}

TEST_CASE("Adds that are not a residual or a last-axis bias stay") {
  GraphBuilder b;
  const ValueId x = b.input("x", DType::kF32, {2, 5, 8});
  const ValueId col = b.input("col", DType::kF32, {5, 1});
  const ValueId mm = b.node(OpType::kMatMul, {x, b.random_constant("w", {8, 6}, -1, 1)}, "mm");
  // A broadcast column (not over the last axis, not constant), and a product read twice.
  const ValueId broadcast = b.node(OpType::kAdd, {mm, col}, "broadcast");
  const ValueId mm2 = b.node(OpType::kMatMul, {x, b.random_constant("w2", {8, 6}, -1, 1)}, "mm2");
  const ValueId twice = b.node(OpType::kAdd, {mm2, mm2}, "twice");
  b.g.outputs = {broadcast, twice, mm2};
  CHECK(compile_stats(b.g).fused_adds == 0);
}

}  // namespace
}  // namespace edgerun
