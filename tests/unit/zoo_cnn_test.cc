// The CNN zoo builders against their references: for every model, the native graph after the engine's
// passes must list the same layers (weight and output shapes, strides, pads, dilations, groups, fused
// activations) in the same order, with the same parameter and MAC counts, as the reference exported
// from PyTorch and imported by edgerun (tests/data/zoo/*.sig, models/tools/make_zoo_signatures.py).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/plan.h"
#include "engine/session.h"
#include "graph/passes/infer_shapes.h"
#include "models/zoo/layer_signature.h"
#include "models/zoo/zoo.h"
#include "tests/unit/zoo_reference.h"

namespace edgerun::zoo {
namespace {

std::map<std::string, Shape> declared_input_shapes(const Graph& g) {
  std::map<std::string, Shape> shapes;
  for (ValueId id : g.inputs) shapes[g.value(id).name] = concrete_shape(g.value(id));
  return shapes;
}

void check_against_reference(const std::string& name) {
  CAPTURE(name);
  const testing::ZooReference ref =
      testing::read_zoo_reference(std::string(EDGERUN_TEST_DATA_DIR) + "/zoo/" + name + ".sig");
  BuildOptions options;
  options.image_size = ref.input.back();
  auto graph = build_zoo_model(name, options);
  REQUIRE_MESSAGE(graph.ok(), graph.status().to_string());
  auto sig = layer_signature(graph.value(), declared_input_shapes(graph.value()));
  REQUIRE_MESSAGE(sig.ok(), sig.status().to_string());
  CHECK(sig.value().parameters == ref.torch_params);
  CHECK(sig.value().macs == ref.macs);
  REQUIRE(sig.value().layers.size() == ref.layers.size());
  for (size_t i = 0; i < ref.layers.size(); ++i) {
    CAPTURE(i);
    CHECK(sig.value().layers[i] == ref.layers[i]);
  }
}

TEST_CASE("zoo CNN builders match torchvision's layers, parameters and MACs") {
  for (const char* name : {"resnet", "resnext", "fcn", "resnet-student", "resnext-student", "resnet50", "mobilenetv2"}) {
    check_against_reference(name);
  }
}

TEST_CASE("zoo duc matches the PyTorch translation of TuSimple-DUC's ResNet101-DUC-HDC") {
  check_against_reference("duc");
  // The ONNX model zoo's output layout: softmax over 19 classes of 16 cells x (800/8)^2 positions.
  auto graph = build_zoo_model("duc");
  REQUIRE(graph.ok());
  Graph& g = graph.value();
  REQUIRE(infer_shapes(g, declared_input_shapes(g)).ok());
  CHECK(concrete_shape(g.value(g.outputs[0])) == Shape{1, 19, 160000});
}

std::vector<float> run_once(const std::string& name, int64_t size) {
  BuildOptions options;
  options.image_size = size;
  auto graph = build_zoo_model(name, options);
  REQUIRE(graph.ok());
  auto session = Session::from_graph(std::move(graph.value()));
  REQUIRE_MESSAGE(session.ok(), session.status().to_string());
  const std::string input = session.value()->graph().value(session.value()->graph().inputs[0]).name;
  Tensor x = Tensor::allocate(DType::kF32, {1, 3, size, size}).value();
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = std::sin(0.37f * static_cast<float>(i));
  std::vector<NamedTensor> outputs;
  const Status st = session.value()->run({{input, x}}, &outputs);
  REQUIRE_MESSAGE(st.ok(), st.to_string());
  std::vector<float> values;
  for (const NamedTensor& out : outputs) {
    const float* p = out.tensor.data<float>();
    values.insert(values.end(), p, p + out.tensor.num_elements());
  }
  return values;
}

TEST_CASE("zoo CNNs run end to end at 64x64 with finite, varied outputs") {
  for (const char* name : {"mobilenetv2", "resnet50", "fcn", "duc"}) {
    CAPTURE(name);
    const std::vector<float> y = run_once(name, 64);
    REQUIRE(!y.empty());
    bool finite = true, varied = false;
    for (float v : y) {
      finite &= std::isfinite(v);
      varied |= v != y[0];
    }
    CHECK(finite);
    CHECK(varied);
  }
}

// Concatenated bytes of every initializer, in value order.
std::string weight_bytes(uint64_t seed) {
  BuildOptions options;
  options.seed = seed;
  options.image_size = 64;
  auto graph = build_zoo_model("mobilenetv2", options);
  REQUIRE(graph.ok());
  std::string bytes;
  for (const Value& v : graph.value().values) {
    if (!v.constant) continue;
    const char* p = static_cast<const char*>(v.constant->raw_data());
    bytes.append(p, v.constant->num_elements() * dtype_size(v.constant->dtype()));
  }
  return bytes;
}

TEST_CASE("zoo CNN weights are a function of the seed") {
  const std::string a = weight_bytes(7);
  CHECK(a.size() == weight_bytes(7).size());
  CHECK(a == weight_bytes(7));
  CHECK(a != weight_bytes(8));
}

}  // namespace
}  // namespace edgerun::zoo

namespace edgerun::zoo {
namespace {

// The memory target: the planner's arena within 10% of the bytes the busiest step keeps alive.
TEST_CASE("zoo models' planned arenas are within 10% of the live-tensor lower bound") {
  for (const char* name : {"resnet50", "mobilenetv2", "resnext-student", "bert-student"}) {
    CAPTURE(name);
    auto graph = build_zoo_model(name, BuildOptions{});
    REQUIRE(graph.ok());
    auto plan = Plan::compile(graph.value(), declared_input_shapes(graph.value()), CompileOptions{});
    REQUIRE_MESSAGE(plan.ok(), plan.status().to_string());
    const double bound = static_cast<double>(plan.value()->arena_lower_bound_bytes());
    CHECK(bound > 0);
    CHECK(static_cast<double>(plan.value()->arena_bytes()) <= 1.10 * bound);
  }
}

}  // namespace
}  // namespace edgerun::zoo
