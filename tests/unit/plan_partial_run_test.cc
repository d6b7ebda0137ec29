// Plan::crossing_values and Plan::run_steps: a plan run as two halves (one side of a partition each)
// gives exactly what the whole run gives, for every cut.
#include <doctest/doctest.h>

#include <string>

#include "engine/plan.h"
#include "models/zoo/graph_builder.h"
#include "tests/support/tensor_compare.h"

namespace edgerun {
namespace {

// x -> conv -> relu -> conv -> + x (residual) -> * mask -> out, where the input `mask` is read
// only by the last step, so it crosses every cut.
Graph residual_graph_with_late_input() {
  zoo::GraphBuilder b("partial", 5);
  const ValueId x = b.input("x", DType::kF32, {1, 4, 6, 5});
  const ValueId mask = b.input("mask", DType::kF32, {1, 4, 6, 5});
  Attributes pads;
  pads.set_ints("pads", {1, 1, 1, 1});
  ValueId y = b.op("Conv", "conv1", {x, b.normal("w1", {4, 4, 3, 3}, 0.3f)}, pads);
  y = b.op("Relu", "relu", {y});
  y = b.op("Conv", "conv2", {y, b.normal("w2", {4, 4, 3, 3}, 0.3f)}, pads);
  y = b.op("Add", "add", {y, x});
  b.output(b.op("Mul", "mul", {y, mask}), "out");
  return b.finish().value();
}

Tensor random_input(uint64_t seed) {
  zoo::WeightStream s(seed);
  Tensor t = Tensor::allocate(DType::kF32, {1, 4, 6, 5}).value();
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = s.uniform() * 2 - 1;
  return t;
}

std::unique_ptr<Plan> compile_unoptimized(const Graph& g) {
  CompileOptions options;
  options.optimize = false;  // keep one step per node, so every cut below exists
  return Plan::compile(g, {{"x", {1, 4, 6, 5}}, {"mask", {1, 4, 6, 5}}}, options).value();
}

std::vector<std::string> names(const Plan& plan, const std::vector<ValueId>& ids) {
  std::vector<std::string> out;
  for (ValueId id : ids) out.push_back(plan.graph().value(id).name);
  return out;
}

TEST_CASE("crossing values: inputs at 0, outputs at the end, residual and late inputs in between") {
  auto plan = compile_unoptimized(residual_graph_with_late_input());
  REQUIRE(plan->num_steps() == 6);  // the five nodes and the output's Identity
  using V = std::vector<std::string>;
  CHECK(names(*plan, plan->crossing_values(0)) == V{"x", "mask"});
  CHECK(names(*plan, plan->crossing_values(1)) == V{"x", "mask", "conv1_out"});
  CHECK(names(*plan, plan->crossing_values(3)) == V{"x", "mask", "conv2_out"});
  CHECK(names(*plan, plan->crossing_values(4)) == V{"mask", "add_out"});
  CHECK(names(*plan, plan->crossing_values(5)) == V{"mul_out"});
  CHECK(names(*plan, plan->crossing_values(6)) == V{"out"});
}

TEST_CASE("running [0, K) then [K, N) equals the whole run at every cut") {
  const Graph g = residual_graph_with_late_input();
  const std::vector<NamedTensor> inputs{{"x", random_input(1)}, {"mask", random_input(2)}};
  for (bool optimize : {false, true}) {
    CompileOptions options;
    options.optimize = optimize;
    auto whole = Plan::compile(g, {{"x", {1, 4, 6, 5}}, {"mask", {1, 4, 6, 5}}}, options).value();
    std::vector<NamedTensor> expected;
    REQUIRE(whole->run(inputs, &expected).ok());
    for (size_t cut = 0; cut <= whole->num_steps(); ++cut) {
      CAPTURE(optimize);
      CAPTURE(cut);
      // Each side in its own plan, as on two tiers.
      auto head = Plan::compile(g, {{"x", {1, 4, 6, 5}}, {"mask", {1, 4, 6, 5}}}, options).value();
      auto tail = Plan::compile(g, {{"x", {1, 4, 6, 5}}, {"mask", {1, 4, 6, 5}}}, options).value();
      std::vector<NamedTensor> crossing, outputs;
      std::vector<double> step_ms;
      REQUIRE(head->run_steps(0, cut, inputs, &crossing, &step_ms).ok());
      CHECK(step_ms.size() == cut);
      CHECK(names(*head, head->crossing_values(cut)).size() == crossing.size());
      REQUIRE(tail->run_steps(cut, tail->num_steps(), crossing, &outputs).ok());
      REQUIRE(outputs.size() == 1);
      CHECK(outputs[0].name == "out");
      CHECK(testing::compare_tensors(outputs[0].tensor, expected[0].tensor, {0, 0}) == "");
    }
  }
}

TEST_CASE("partial runs reject bad ranges and inputs that do not cross the cut") {
  auto plan = compile_unoptimized(residual_graph_with_late_input());
  std::vector<NamedTensor> outputs;
  const Status range = plan->run_steps(3, 2, {}, &outputs);
  CHECK(range.to_string().find("not a range") != std::string::npos);
  CHECK(!plan->run_steps(0, 7, {}, &outputs).ok());
  // Cut 4 needs mask and add_out; x no longer crosses there.
  const Status missing = plan->run_steps(4, 6, {{"mask", random_input(1)}}, &outputs);
  CHECK(missing.to_string().find("missing input 'add_out'") != std::string::npos);
  const Status extra = plan->run_steps(
      4, 6, {{"mask", random_input(1)}, {"add_out", random_input(2)}, {"x", random_input(3)}}, &outputs);
  CHECK(extra.to_string().find("'x' does not cross the cut before step 4") != std::string::npos);
  Tensor wrong_shape = Tensor::allocate(DType::kF32, {1, 4, 6, 6}).value();
  const Status shape = plan->run_steps(4, 6, {{"mask", random_input(1)}, {"add_out", wrong_shape}}, &outputs);
  CHECK(shape.to_string().find("shape") != std::string::npos);
}

}  // namespace
}  // namespace edgerun
