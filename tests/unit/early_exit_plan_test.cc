// Early exit in the engine: the EarlyExit chain arm_exits builds, the Plan stopping at the first exit
// every sample took (the steps after it are not executed), per-sample outputs in a batch, the exit
// policies, partial runs, and the same on a real model with heads (FP32 and INT8).
#include <doctest/doctest.h>

#include "engine/plan.h"
#include "graph/onnx/onnx_importer.h"
#include "models/data/task.h"
#include "models/zoo/zoo.h"
#include "operators/early_exit/exit_heads.h"
#include "operators/sptq/calibration_data.h"
#include "operators/sptq/sptq.h"
#include "tests/support/tensor_compare.h"
#include "tests/support/tiny_multi_exit.h"

namespace edgerun::early_exit {
namespace {

MultiExitModel tiny_multi_exit(int64_t batch = 1) { return testing::tiny_multi_exit(batch); }

std::unique_ptr<Plan> compile_tiny(const Graph& g, int64_t batch) {
  return Plan::compile(g, {{"x", {batch, 3}}}, CompileOptions{}).value();
}

Tensor rows(const std::vector<std::vector<float>>& r) {
  std::vector<float> flat;
  for (const auto& row : r) flat.insert(flat.end(), row.begin(), row.end());
  return Tensor::from_vector<float>({static_cast<int64_t>(r.size()), 3}, flat);
}

std::vector<float> final_of(const std::vector<float>& x) {
  std::vector<float> y;
  for (float v : x) y.push_back(3.f * (0.5f * v + 1.f));
  return y;
}

void check_close(const Tensor& actual, const Tensor& expected, double atol) {
  CHECK(testing::compare_tensors(actual, expected, {0.0, atol}) == "");
}

size_t step_of(const Plan& plan, const std::string& node) {
  for (size_t s = 0; s < plan.num_steps(); ++s) {
    if (plan.step_node(s).name == node) return s;
  }
  FAIL("no step " << node);
  return 0;
}

std::vector<float> row_of(const Tensor& t, int64_t r) {
  const int64_t n = t.num_elements() / t.dim(0);
  return std::vector<float>(t.data<float>() + r * n, t.data<float>() + (r + 1) * n);
}

TEST_CASE("early exit: a confident sample stops the plan at its exit; later steps do not run") {
  const Graph armed = arm_exits(tiny_multi_exit(), {0.9f, 0.9f}, ExitRule::kMaxProb).value();
  CHECK(armed.outputs.size() == 2);
  CHECK(armed.value(armed.outputs[0]).name == "out");
  CHECK(armed.value(armed.outputs[1]).name == kExitIndexOutput);
  auto plan = compile_tiny(armed, 1);
  const size_t exit0 = step_of(*plan, "ee0.exit");
  std::vector<NamedTensor> out;

  // softmax([10, 0, 0]) peaks at 0.99991 >= 0.9: exit 0, the run ends right after its step.
  REQUIRE(plan->run({{"x", Tensor::from_vector<float>({1, 3}, {10, 0, 0})}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == 0);
  CHECK(plan->last_run().steps_run == exit0 + 1);
  CHECK(plan->last_run().steps_run < plan->num_steps());
  REQUIRE(out.size() == 2);
  CHECK(out[0].name == "out");
  CHECK(row_of(out[0].tensor, 0) == std::vector<float>{10, 0, 0});
  CHECK(out[1].tensor.data<int64_t>()[0] == 0);

  // [0.1, 0, 0]: exit 0 peaks at 0.36, exit 1 (logits [2.1, 2, 2]) at 0.36: the final output.
  REQUIRE(plan->run({{"x", Tensor::from_vector<float>({1, 3}, {0.1f, 0, 0})}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == -1);
  CHECK(plan->last_run().steps_run == plan->num_steps());
  check_close(out[0].tensor, Tensor::from_vector<float>({1, 3}, final_of({0.1f, 0, 0})), 1e-5);
  CHECK(out[1].tensor.data<int64_t>()[0] == 2);
}

TEST_CASE("early exit: a batch runs until its last sample exits and each sample keeps its own exit") {
  const Graph armed = arm_exits(tiny_multi_exit(2), {0.9f, 0.5f}, ExitRule::kMaxProb).value();
  auto plan = compile_tiny(armed, 2);
  const size_t exit1 = step_of(*plan, "ee1.exit");
  std::vector<NamedTensor> out;
  // Row 0 exits at 0; row 1 = [0, 0, 4]: exit 0 peaks at 0.96 too -> both at 0: stop after exit 0.
  REQUIRE(plan->run({{"x", rows({{10, 0, 0}, {0, 0, 4}})}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == 0);
  // Row 1 = [0, 1, 0]: exit 0 peaks at 0.58 (< 0.9); exit 1 logits [2, 3, 2] peak at 0.58 (>= 0.5).
  REQUIRE(plan->run({{"x", rows({{10, 0, 0}, {0, 1, 0}})}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == 1);
  CHECK(plan->last_run().steps_run == exit1 + 1);
  CHECK(row_of(out[0].tensor, 0) == std::vector<float>{10, 0, 0});
  CHECK(row_of(out[0].tensor, 1) == std::vector<float>{2, 3, 2});
  CHECK(out[1].tensor.data<int64_t>()[0] == 0);
  CHECK(out[1].tensor.data<int64_t>()[1] == 1);
  // Row 1 = [0.1, 0, 0] never confident: the whole plan runs, row 0 still gets exit 0's logits.
  REQUIRE(plan->run({{"x", rows({{10, 0, 0}, {0.1f, 0, 0}})}}, &out).ok());
  CHECK(plan->last_run().steps_run == plan->num_steps());
  CHECK(row_of(out[0].tensor, 0) == std::vector<float>{10, 0, 0});
  const std::vector<float> expected = final_of({0.1f, 0, 0});
  const std::vector<float> got = row_of(out[0].tensor, 1);
  for (size_t i = 0; i < 3; ++i) CHECK(got[i] == doctest::Approx(expected[i]));
  CHECK(out[1].tensor.data<int64_t>()[1] == 2);
}

TEST_CASE("early exit: forced and never policies replace the thresholds") {
  const Graph armed = arm_exits(tiny_multi_exit(2), {0.9f, 0.9f}, ExitRule::kMaxProb).value();
  auto plan = compile_tiny(armed, 2);
  const Tensor x = rows({{10, 0, 0}, {0.1f, 0, 0}});
  std::vector<NamedTensor> out;
  plan->set_exit_policy({ExitPolicy::Kind::kForce, 1});
  REQUIRE(plan->run({{"x", x}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == 1);
  CHECK(row_of(out[0].tensor, 0) == std::vector<float>{12, 2, 2});
  CHECK(out[1].tensor.data<int64_t>()[1] == 1);
  plan->set_exit_policy({ExitPolicy::Kind::kNever});
  REQUIRE(plan->run({{"x", x}}, &out).ok());
  CHECK(plan->last_run().steps_run == plan->num_steps());
  CHECK(out[1].tensor.data<int64_t>()[0] == 2);
  check_close(out[0].tensor, rows({final_of({10, 0, 0}), final_of({0.1f, 0, 0})}), 1e-5);
}

TEST_CASE("early exit: a partial run that exits returns the graph outputs, not the crossing values") {
  const Graph armed = arm_exits(tiny_multi_exit(), {0.9f, 0.9f}, ExitRule::kMaxProb).value();
  auto plan = compile_tiny(armed, 1);
  const size_t cut = step_of(*plan, "ee1.exit");  // the head side ends before exit 1
  std::vector<NamedTensor> out;
  REQUIRE(plan->run_steps(0, cut, {{"x", Tensor::from_vector<float>({1, 3}, {10, 0, 0})}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == 0);
  REQUIRE(out.size() == 2);
  CHECK(out[0].name == "out");
  CHECK(out[1].name == kExitIndexOutput);
  REQUIRE(plan->run_steps(0, cut, {{"x", Tensor::from_vector<float>({1, 3}, {0.1f, 0, 0})}}, &out).ok());
  CHECK(plan->last_run().stopped_at_exit == -1);
  std::vector<std::string> names, crossing;
  for (const NamedTensor& t : out) names.push_back(t.name);
  for (ValueId id : plan->crossing_values(cut)) crossing.push_back(plan->graph().value(id).name);
  CHECK(names == crossing);
  // The tail finishes the sample: exit 1 is not confident, so the final output.
  std::vector<NamedTensor> tail;
  REQUIRE(plan->run_steps(cut, plan->num_steps(), out, &tail).ok());
  check_close(tail[0].tensor, Tensor::from_vector<float>({1, 3}, final_of({0.1f, 0, 0})), 1e-5);
}

TEST_CASE("early exit: arm_exits rejects a wrong threshold count; the importer refuses EarlyExit") {
  CHECK_FALSE(arm_exits(tiny_multi_exit(), {0.5f}, ExitRule::kMaxProb).ok());
  CHECK_FALSE(find_model_op("EarlyExit", "").has_value());
}

// A trained surrogate with random heads at its default exit points, armed so that exit 0 always fires;
// with `quantize`, SPTQ runs between attaching and arming (QEE). `all` is the multi-exit graph's run
// (model output, then each exit's), `out` the armed model's.
struct FirstExitRun {
  std::unique_ptr<Session> armed;
  std::vector<NamedTensor> inputs, all, out;
};

FirstExitRun run_first_exit(const std::string& trained, bool quantize) {
  Graph model = onnx::import_model_file(data::source_dir() + "/models/trained/" + trained + "/model.onnx").value();
  MultiExitModel multi = attach_exit_heads(model, default_exit_points(find_blocks(model).value()), {}).value();
  if (quantize) {
    sptq::CalibrationRequest calibration;
    calibration.samples = 2;
    auto samples = sptq::calibration_samples(multi.graph, calibration).value();
    multi.graph = sptq::quantize(multi.graph, samples, sptq::SptqOptions{}).value().graph;
  }
  const float never = never_threshold(ExitRule::kMaxProb);
  FirstExitRun run;
  run.armed = Session::from_graph(arm_exits(multi, {0.f, never, never}, ExitRule::kMaxProb).value()).value();
  run.inputs = sptq::calibration_samples(model, sptq::CalibrationRequest{{}, "", "", 1, 1}).value()[0];
  REQUIRE(Session::from_graph(multi.graph).value()->run(run.inputs, &run.all).ok());
  REQUIRE(run.armed->run(run.inputs, &run.out).ok());
  CHECK(run.armed->last_run().stopped_at_exit == 0);
  return run;
}

// The trained ResNet: exit 0 stops the plan before layer2; its output equals the multi-exit graph's
// exit-0 output, FP32 and INT8; with no exit allowed the whole plan runs and gives the model's output.
void check_real_model_exit(bool quantize) {
  FirstExitRun run = run_first_exit("resnet", quantize);
  Session& session = *run.armed;
  CHECK(session.last_run().steps_run * 3 < session.plan()->num_steps());
  for (size_t s = session.last_run().steps_run; s < session.plan()->num_steps(); ++s) {
    const std::string& name = session.plan()->step_node(s).name;
    CHECK_MESSAGE(name.find("layer1") == std::string::npos, name << " of layer1 runs after exit 0");
  }
  check_close(run.out[0].tensor, run.all[1].tensor, 0.0);
  session.set_exit_policy({ExitPolicy::Kind::kNever});
  REQUIRE(session.run(run.inputs, &run.out).ok());
  CHECK(session.last_run().steps_run == session.plan()->num_steps());
  check_close(run.out[0].tensor, run.all[0].tensor, 0.0);
}

TEST_CASE("early exit: the trained ResNet stops after layer1's head (FP32)") { check_real_model_exit(false); }

// The trained FCN: a segmentation exit scores its low-resolution logits and upsamples inside the
// EarlyExit only when it fires; the result equals the head's own Resize, FP32 and INT8 (through Q/DQ).
void check_segmentation_exit(bool quantize) {
  FirstExitRun run = run_first_exit("fcn", quantize);
  // INT8: the multi-exit graph fake-quantizes the upsampled logits (SPTQ's Q/DQ after the Resize); the
  // EarlyExit upsamples the dequantized low-resolution logits, so they differ by up to a quantization step.
  check_close(run.out[0].tensor, run.all[1].tensor, quantize ? 0.05 : 0.0);
  for (size_t s = 0; s < run.armed->plan()->num_steps(); ++s)
    CHECK(run.armed->plan()->step_node(s).name.find(".upsample") == std::string::npos);
}

TEST_CASE("early exit: a segmentation exit upsamples only when it fires (FP32)") { check_segmentation_exit(false); }
TEST_CASE("early exit: a segmentation exit upsamples only when it fires (INT8)") { check_segmentation_exit(true); }
TEST_CASE("early exit: the trained ResNet stops after layer1's head (INT8)") { check_real_model_exit(true); }

TEST_CASE("early exit: heads for DUC's flattened output take its shape; every forced path runs") {
  zoo::BuildOptions options;
  options.image_size = 64;
  const Graph duc = zoo::build_zoo_model("duc", options).value();
  const BlockStructure blocks = find_blocks(duc).value();
  const MultiExitModel multi = attach_exit_heads(duc, default_exit_points(blocks), {}).value();
  const Graph armed = arm_exits(multi, std::vector<float>(3, never_threshold(ExitRule::kMaxProb)), ExitRule::kMaxProb).value();
  auto session = Session::from_graph(armed).value();
  auto reference = Session::from_graph(duc).value();
  auto inputs = sptq::calibration_samples(duc, sptq::CalibrationRequest{{}, "", "", 1, 1}).value()[0];
  std::vector<NamedTensor> want, out;
  REQUIRE(reference->run(inputs, &want).ok());
  size_t previous = 0;
  for (int exit = 0; exit <= 3; ++exit) {
    CAPTURE(exit);
    session->set_exit_policy({ExitPolicy::Kind::kForce, exit});
    REQUIRE(session->run(inputs, &out).ok());
    CHECK(out[0].tensor.shape() == want[0].tensor.shape());
    CHECK(session->last_run().steps_run > previous);
    previous = session->last_run().steps_run;
  }
  CHECK(previous == session->plan()->num_steps());
  HeadTraining fitted;
  fitted.batches = {inputs};
  CHECK_FALSE(attach_exit_heads(duc, default_exit_points(blocks), fitted).ok());
}

}  // namespace
}  // namespace edgerun::early_exit
