// Operator pipelines on real graphs (tools/deployment/deployment_operator.h): distill's latency graph is
// the zoo's full-size student, not its teacher; distill of a model without a student says which have
// one; prune+sptq's INT8 graph keeps every zero pruning made in its int8 weights.
#include <doctest/doctest.h>

#include <map>

#include "graph/model_stats.h"
#include "graph/onnx/onnx_importer.h"
#include "graph/passes/infer_shapes.h"
#include "models/data/trained_record.h"
#include "models/zoo/zoo.h"
#include "tools/deployment/deployment_operator.h"

namespace edgerun {
namespace {

OperatorOptions pipeline(const std::string& text) {
  OperatorOptions op;
  op.pipeline = parse_operator_pipeline(text).value();
  return op;
}

int64_t macs(Graph g) {
  REQUIRE(infer_shapes(g, {{"input", {1, 3, 224, 224}}}).ok());
  return count_macs(g);
}

TEST_CASE("distill: the latency graph is the zoo's full-size student") {
  Result<DeployedModel> deployed = load_deployed_model("resnet", pipeline("distill"), SessionOptions{});
  REQUIRE_MESSAGE(deployed.ok(), deployed.status().to_string());
  CHECK(deployed->source.zoo_name == "resnet");
  CHECK(deployed->built_zoo_name == "resnet-student");
  CHECK(deployed->operator_summary.find("distill: the full-size student 'resnet-student'") == 0);
  const Graph& latency = deployed->session->graph();
  const Graph student = zoo::build_zoo_model("resnet-student").value();
  const Graph teacher = zoo::build_zoo_model("resnet").value();
  CHECK(latency.nodes.size() == student.nodes.size());
  CHECK(count_ops_and_parameters(latency).op_counts == count_ops_and_parameters(student).op_counts);
  CHECK(count_ops_and_parameters(latency).parameters == count_ops_and_parameters(student).parameters);
  CHECK(macs(latency) == macs(student));
  CHECK(latency.nodes.size() < teacher.nodes.size());
  CHECK(macs(latency) < macs(teacher) * 0.6);  // Wide-ResNet-50-2 against Wide-ResNet-101-2: about half
}

TEST_CASE("distill: a model without a student, and a model file, name the models that have one") {
  for (const std::string& model : {std::string("fcn"), data::source_dir() + "/tests/data/e2e/bert/model.onnx"}) {
    Result<DeployedModel> deployed = load_deployed_model(model, pipeline("distill+sptq"), SessionOptions{});
    CAPTURE(model);
    REQUIRE(!deployed.ok());
    CHECK(deployed.status().message().find("models with a student: resnet, resnext, bert, roberta") !=
          std::string::npos);
  }
}

// The int8 weight feeding node `name` of a QDQ graph through its DequantizeLinear, or null.
const Tensor* int8_weight(const Graph& g, const std::vector<int>& producers, const Node& node) {
  if (node.inputs.size() < 2) return nullptr;
  const int dq = producers[static_cast<size_t>(node.inputs[1])];
  if (dq < 0 || g.nodes[static_cast<size_t>(dq)].op != OpType::kDequantizeLinear) return nullptr;
  const Value& q = g.value(g.nodes[static_cast<size_t>(dq)].inputs[0]);
  return q.constant && q.constant->dtype() == DType::kI8 ? &*q.constant : nullptr;
}

TEST_CASE("prune+sptq: the INT8 graph keeps every pruned zero in its int8 weights") {
  const Graph surrogate = onnx::import_model_file(data::trained_models_dir() + "/resnet-student/model.onnx").value();
  Result<AppliedOperator> pruned = apply_for_latency(surrogate, pipeline("prune"));
  Result<AppliedOperator> quantized = apply_for_latency(surrogate, pipeline("prune+sptq"));
  REQUIRE_MESSAGE(pruned.ok(), pruned.status().to_string());
  REQUIRE_MESSAGE(quantized.ok(), quantized.status().to_string());
  CHECK(quantized->summary.find("prune+sptq:\n           prune: 2x1 at 75.0%") == 0);
  std::map<std::string, const Tensor*> float_weights;
  for (const Node& n : pruned->graph.nodes) {
    if (n.op == OpType::kConv) float_weights[n.name] = &*pruned->graph.value(n.inputs[1]).constant;
  }
  const Graph& q = quantized->graph;
  const std::vector<int> producers = q.producers();
  int64_t layers = 0, weights = 0, pruned_zeros = 0, lost_zeros = 0;
  for (const Node& n : q.nodes) {
    const Tensor* w8 = int8_weight(q, producers, n);
    if (w8 == nullptr || n.op != OpType::kConv) continue;
    CAPTURE(n.name);
    REQUIRE(float_weights.count(n.name) == 1);
    const Tensor& w = *float_weights.at(n.name);
    REQUIRE(w.shape() == w8->shape());
    ++layers;
    for (int64_t i = 0; i < w.num_elements(); ++i) {
      if (w.data<float>()[i] != 0.0f) continue;
      ++pruned_zeros;
      lost_zeros += w8->data<int8_t>()[i] != 0;
    }
    weights += w.num_elements();
  }
  CHECK(layers == static_cast<int64_t>(float_weights.size()));                    // every conv quantized
  CHECK(static_cast<double>(pruned_zeros) > 0.7 * static_cast<double>(weights));  // pruning happened
  CHECK(lost_zeros == 0);
}

}  // namespace
}  // namespace edgerun
