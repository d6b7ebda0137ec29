// Model limits (graph/limits.h): each cap gives an out_of_range error naming the cap and what broke it,
// never a wrapped size, a crash or a huge allocation; each is configurable through SessionOptions.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/session.h"
#include "graph/limits.h"
#include "graph/onnx/onnx_writer.h"
#include "models/zoo/graph_builder.h"
#include "tests/support/zoo_graph.h"
#include "tools/common/limit_options.h"

namespace edgerun {
namespace {

bool mentions(const Status& st, const std::string& text) { return st.message().find(text) != std::string::npos; }

// x [2, 3] -> Expand to `target` -> Relu: a tiny model asking for a huge tensor.
Graph expand_model(const std::vector<int64_t>& target) {
  zoo::GraphBuilder b("expand", 1);
  const ValueId x = b.input("x", DType::kF32, {2, 3});
  const ValueId shape = b.constant("target", Tensor::from_vector<int64_t>({static_cast<int64_t>(target.size())}, target));
  b.output(b.op("Relu", "relu", {b.op("Expand", "expand", {x, shape})}), "y");
  return b.finish().value();
}

TEST_CASE("limits: tensor shapes are checked without overflow") {
  ModelLimits limits;
  limits.max_rank = 4;
  limits.max_tensor_elements = 1000;
  CHECK(check_tensor_shape({10, 10, 10}, limits, "t").ok());  // exactly at the cap
  CHECK(check_tensor_shape({0, int64_t{1} << 62, 8}, limits, "t").ok());  // empty
  const Status big = check_tensor_shape({10, 10, 11}, limits, "output 0");
  CHECK(big.code() == StatusCode::kOutOfRange);
  CHECK(mentions(big, "output 0 of shape [10,10,11] has more elements, over the limit of 1000 "
                      "(ModelLimits::max_tensor_elements)"));
  // A product that wraps int64 is caught before it is formed.
  CHECK(mentions(check_tensor_shape({int64_t{1} << 62, 4, 4}, ModelLimits{}, "t"), "max_tensor_elements"));
  CHECK(mentions(check_tensor_shape({1, 1, 1, 1, 1}, limits, "t"), "has rank 5, over the limit of 4 (ModelLimits::max_rank)"));
  CHECK(check_tensor_shape({2, -1}, limits, "t").code() == StatusCode::kInvalidModel);
}

TEST_CASE("limits: a model over a cap is refused at load or compile, naming the cap") {
  SUBCASE("an inferred tensor over the element cap, by default") {
    // 2^36 x 6 elements: under the engine's absolute 2^40, over the default cap of 2^34.
    auto session = Session::from_graph(expand_model({int64_t{1} << 18, int64_t{1} << 18, 2, 3}));
    REQUIRE(session.ok());
    std::vector<NamedTensor> out;
    const Status st = (*session)->run({{"x", Tensor::allocate(DType::kF32, {2, 3}).value()}}, &out);
    CHECK(st.code() == StatusCode::kOutOfRange);
    CHECK(mentions(st, "node 'expand' (Expand): output 0 of shape [262144,262144,2,3] has more elements, over the "
                       "limit of 17179869184 (ModelLimits::max_tensor_elements)"));
  }
  const Graph resnet = testing::zoo_model("resnet50", 32);
  auto compile_with = [&](const ModelLimits& limits) -> Status {
    SessionOptions options;
    options.limits = limits;
    auto session = Session::from_graph(resnet, options);
    if (!session.ok()) return session.status();
    auto shapes = (*session)->default_input_shapes();
    REQUIRE(shapes.ok());
    return (*session)->prepare(*shapes);
  };
  SUBCASE("defaults admit a real model") { CHECK(compile_with(ModelLimits{}).ok()); }
  SUBCASE("node count") {
    ModelLimits limits;
    limits.max_nodes = 50;
    const Status st = compile_with(limits);
    CHECK(st.code() == StatusCode::kOutOfRange);
    CHECK(mentions(st, "over the limit of 50 (ModelLimits::max_nodes)"));
  }
  SUBCASE("elements: the first activation over 10,000 elements is named") {
    ModelLimits limits;
    limits.max_tensor_elements = 10000;
    const Status st = compile_with(limits);
    CHECK(st.code() == StatusCode::kOutOfRange);
    CHECK(mentions(st, "(ModelLimits::max_tensor_elements)"));
    // The input [1,3,32,32] (3,072) passes; the first conv's output does not.
    CHECK(mentions(st, "(Conv): output 0 of shape [1,64,16,16] has more elements"));
  }
  SUBCASE("rank") {
    ModelLimits limits;
    limits.max_rank = 3;
    CHECK(mentions(compile_with(limits), "has rank 4, over the limit of 3 (ModelLimits::max_rank)"));
  }
  SUBCASE("model bytes") {
    const std::vector<uint8_t> bytes = onnx::write_model_bytes(resnet).value();
    SessionOptions options;
    options.limits.max_model_bytes = bytes.size() - 1;
    const auto session = Session::load_bytes(bytes.data(), bytes.size(), options);
    REQUIRE_FALSE(session.ok());
    CHECK(mentions(session.status(), "over the limit of " + std::to_string(bytes.size() - 1) +
                                         " (ModelLimits::max_model_bytes)"));
    options.limits.max_model_bytes = bytes.size();
    CHECK(Session::load_bytes(bytes.data(), bytes.size(), options).ok());
  }
}

TEST_CASE("limits: the command-line options set every cap, and a spawned tool gets the same ones") {
  const auto parse = [](std::vector<std::string> args) {
    ModelLimits limits;
    CLI::App app;
    add_model_limit_options(app, limits);
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    app.parse(args);
    return limits;
  };
  const ModelLimits set = parse({"--max-model-mb", "1.5", "--max-nodes", "10", "--max-rank", "5",
                                 "--max-tensor-elements", "1000"});
  CHECK(set.max_model_bytes == 1572864);
  CHECK(set.max_nodes == 10);
  CHECK(set.max_rank == 5);
  CHECK(set.max_tensor_elements == 1000);
  const ModelLimits passed_on = parse(model_limit_args(set));
  CHECK(passed_on.max_model_bytes == set.max_model_bytes);
  CHECK(passed_on.max_nodes == set.max_nodes);
  CHECK(passed_on.max_rank == set.max_rank);
  CHECK(passed_on.max_tensor_elements == set.max_tensor_elements);
  CHECK(model_limit_args(ModelLimits{}).empty());  // the defaults need no options
  CHECK_THROWS(parse({"--max-nodes", "0"}));
}

}  // namespace
}  // namespace edgerun
