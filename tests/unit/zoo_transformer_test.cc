// The transformer zoo against its PyTorch reference (models/tools/make_transformer_signatures.py, a
// module-for-module copy of Hugging Face's BERT and RoBERTa): every native builder has PyTorch's
// parameter count, the exported model's MACs and its MatMul/Gemm layers in order with the same shapes
// after edgerun's passes; and on tiny exports, edgerun computes PyTorch's logits and the native graph,
// given the export's weights, computes them too.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/plan.h"
#include "engine/session.h"
#include "graph/model_stats.h"
#include "graph/onnx/onnx_importer.h"
#include "graph/passes/infer_shapes.h"
#include "models/zoo/layer_signature.h"
#include "models/zoo/transformer_encoder.h"
#include "models/zoo/zoo.h"
#include "tests/support/tensor_compare.h"
#include "tests/unit/zoo_reference.h"
#include "tools/common/npy.h"

namespace edgerun {
namespace {

const std::string kZooData = std::string(EDGERUN_TEST_DATA_DIR) + "/zoo/";

std::map<std::string, Shape> input_shapes(const Graph& g) {
  std::map<std::string, Shape> shapes;
  for (ValueId id : g.inputs) shapes[g.value(id).name] = concrete_shape(g.value(id));
  return shapes;
}

// The graph after the engine's passes (shape inference with folding, fusion, dead-node elimination),
// with the exported Adds kept, as layer signatures see it.
std::unique_ptr<Plan> compile(const Graph& g) {
  CompileOptions options;
  options.fuse_epilogue_adds = false;
  auto plan = Plan::compile(g, input_shapes(g), options);
  REQUIRE_MESSAGE(plan.ok(), plan.status().message());
  return std::move(plan.value());
}

std::vector<std::string> op_sequence(const Graph& g) {
  std::vector<std::string> ops;
  for (const Node& n : g.nodes) ops.push_back(n.op_type);
  return ops;
}

Tensor run_logits(Graph g, const std::vector<NamedTensor>& inputs) {
  auto session = Session::from_graph(std::move(g));
  REQUIRE_MESSAGE(session.ok(), session.status().message());
  std::vector<NamedTensor> outputs;
  const Status st = session.value()->run(inputs, &outputs);
  REQUIRE_MESSAGE(st.ok(), st.message());
  REQUIRE(outputs.size() == 1);
  CHECK(outputs[0].name == "logits");
  return outputs[0].tensor;
}

void check_against_reference(const char* name) {
  const testing::ZooReference sig = testing::read_zoo_reference(kZooData + name + ".sig");
  auto built = zoo::build_zoo_model(name);
  REQUIRE_MESSAGE(built.ok(), built.status().message());
  const Graph& g = built.value();
  CHECK(sig.params == sig.torch_params);  // the export holds exactly PyTorch's parameters
  CHECK(zoo::count_trainable_parameters(g) == sig.torch_params);
  const auto plan = compile(g);
  CHECK(count_macs(plan->graph()) == sig.macs);
  CHECK(zoo::layer_lines(plan->graph()) == sig.layers);
}

// Tiny fixtures: an export of the same module code at 2 layers, hidden 32.
struct Tiny {
  const char* dir;
  zoo::EncoderConfig config;
  std::vector<std::string> inputs;
};

std::vector<Tiny> tiny_models() {
  zoo::EncoderConfig bert;
  bert.name = "bert";
  bert.vocab = 32;
  bert.max_positions = 24;
  bert.hidden = 32;
  bert.layers = 2;
  bert.heads = 4;
  bert.intermediate = 32;
  zoo::EncoderConfig roberta = bert;
  roberta.name = "roberta";
  roberta.roberta = true;
  roberta.type_vocab = 1;
  roberta.layer_norm_eps = 1e-5f;
  roberta.pad_id = 1;
  return {{"tiny_bert", bert, {"input_ids", "attention_mask", "token_type_ids"}},
          {"tiny_roberta", roberta, {"input_ids", "attention_mask"}}};
}

std::vector<NamedTensor> read_inputs(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<NamedTensor> inputs;
  for (const std::string& n : names) {
    auto t = read_npy(dir + n + ".npy");
    REQUIRE_MESSAGE(t.ok(), t.status().message());
    inputs.push_back({n, std::move(t.value())});
  }
  return inputs;
}

bool same_values(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.dtype() != DType::kF32) return std::memcmp(a.data<void>(), b.data<void>(), a.byte_size()) == 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    const float x = a.data<float>()[i], y = b.data<float>()[i];
    if (std::fabs(x - y) > 1e-6f * std::fabs(y)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("zoo transformer: bert matches HF BertForSequenceClassification") { check_against_reference("bert"); }
TEST_CASE("zoo transformer: roberta matches HF RobertaForSequenceClassification") {
  check_against_reference("roberta");
}
TEST_CASE("zoo transformer: bert-student matches HF BERT-small") { check_against_reference("bert-student"); }
TEST_CASE("zoo transformer: roberta-student matches its RoBERTa-tiny reference") {
  check_against_reference("roberta-student");
}

TEST_CASE("zoo transformer: tiny PyTorch exports run in edgerun and the native graph computes the same") {
  for (const Tiny& tiny : tiny_models()) {
    CAPTURE(tiny.dir);
    const std::string dir = kZooData + tiny.dir + "/";
    const testing::ZooReference sig = testing::read_zoo_reference(dir + "model.sig");
    const std::vector<NamedTensor> inputs = read_inputs(dir, tiny.inputs);
    auto expected = read_npy(dir + "logits.npy");
    REQUIRE(expected.ok());
    const testing::Tolerance tol{1e-4, 1e-5};

    // The export itself: edgerun computes PyTorch's logits, and this file's signature is the .sig's.
    auto imported = onnx::import_model_file(dir + "model.onnx");
    REQUIRE_MESSAGE(imported.ok(), imported.status().message());
    const auto ref_plan = compile(imported.value());
    CHECK(zoo::layer_lines(ref_plan->graph()) == sig.layers);
    CHECK(count_macs(ref_plan->graph()) == sig.macs);
    const Tensor onnx_logits = run_logits(imported.value(), inputs);
    CHECK(testing::compare_tensors(onnx_logits, expected.value(), tol) == "");

    // The native builder at the same config: same counts, and after the passes the same nodes in the
    // same order as the export, with equal shape constants and scalars.
    zoo::BuildOptions options;
    options.batch = inputs[0].tensor.dim(0);
    options.sequence_length = inputs[0].tensor.dim(1);
    auto native = zoo::build_text_classifier(tiny.config, options);
    REQUIRE_MESSAGE(native.ok(), native.status().message());
    CHECK(zoo::count_trainable_parameters(native.value()) == sig.torch_params);
    const auto native_plan = compile(native.value());
    Graph g = native_plan->graph();
    const Graph& ref = ref_plan->graph();
    REQUIRE(op_sequence(g) == op_sequence(ref));
    CHECK(zoo::layer_lines(g) == sig.layers);
    CHECK(count_macs(g) == sig.macs);

    // Given the export's weights (the float tensors, folded embeddings included), the native graph
    // reproduces PyTorch's logits.
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      REQUIRE(g.nodes[n].inputs.size() == ref.nodes[n].inputs.size());
      for (size_t i = 0; i < g.nodes[n].inputs.size(); ++i) {
        Value& mine = g.value(g.nodes[n].inputs[i]);
        const Value& theirs = ref.value(ref.nodes[n].inputs[i]);
        CAPTURE(g.nodes[n].name);
        REQUIRE(mine.constant.has_value() == theirs.constant.has_value());
        if (!mine.constant) continue;
        const bool weight = theirs.constant->dtype() == DType::kF32 && theirs.constant->num_elements() > 1;
        if (weight) {
          REQUIRE(mine.constant->shape() == theirs.constant->shape());
          mine.constant = theirs.constant->clone();
        } else {
          CHECK(same_values(*mine.constant, *theirs.constant));
        }
      }
    }
    const Tensor native_logits = run_logits(std::move(g), inputs);
    CHECK(testing::compare_tensors(native_logits, expected.value(), tol) == "");
  }
}

TEST_CASE("zoo transformer: bert-student runs at L=128 with finite logits") {
  auto built = zoo::build_zoo_model("bert-student");
  REQUIRE(built.ok());
  const int64_t seq = 128;
  std::vector<int64_t> ids(seq, 0), mask(seq, 0), types(seq, 0);
  for (int64_t i = 0; i < 90; ++i) {
    ids[static_cast<size_t>(i)] = i == 0 ? 2 : 1000 + 97 * i;  // [CLS] then words; padding is 0
    mask[static_cast<size_t>(i)] = 1;
    types[static_cast<size_t>(i)] = i >= 40 ? 1 : 0;
  }
  const Tensor logits =
      run_logits(std::move(built.value()), {{"input_ids", Tensor::from_vector<int64_t>({1, seq}, ids)},
                                            {"attention_mask", Tensor::from_vector<int64_t>({1, seq}, mask)},
                                            {"token_type_ids", Tensor::from_vector<int64_t>({1, seq}, types)}});
  REQUIRE(logits.shape() == Shape{1, 2});
  CHECK(std::isfinite(logits.data<float>()[0]));
  CHECK(std::isfinite(logits.data<float>()[1]));
}

TEST_CASE("zoo transformer: the seed alone decides the weights") {
  zoo::BuildOptions options;
  options.sequence_length = 8;
  options.seed = 7;
  auto a = zoo::build_zoo_model("roberta-student", options);
  auto b = zoo::build_zoo_model("roberta-student", options);
  options.seed = 8;
  auto c = zoo::build_zoo_model("roberta-student", options);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  REQUIRE(a.value().values.size() == b.value().values.size());
  bool differs_with_seed = false;
  for (size_t v = 0; v < a.value().values.size(); ++v) {
    const auto& x = a.value().values[v].constant;
    if (!x) continue;
    const auto& y = b.value().values[v].constant;
    REQUIRE(y.has_value());
    CHECK(std::memcmp(x->data<void>(), y->data<void>(), x->byte_size()) == 0);
    const auto& z = c.value().values[v].constant;
    if (x->num_elements() > 1000)
      differs_with_seed |= std::memcmp(x->data<void>(), z->data<void>(), x->byte_size()) != 0;
  }
  CHECK(differs_with_seed);
}

TEST_CASE("zoo transformer: impossible sizes are errors") {
  zoo::BuildOptions options;
  options.sequence_length = 513;  // BERT has 512 positions, RoBERTa 512 after its padding offset
  CHECK(zoo::build_zoo_model("bert", options).status().code() == StatusCode::kInvalidArgument);
  CHECK(zoo::build_zoo_model("roberta", options).status().code() == StatusCode::kInvalidArgument);
  options.sequence_length = 512;
  zoo::EncoderConfig odd;
  odd.hidden = 100;
  odd.heads = 3;
  CHECK(zoo::build_text_classifier(odd, options).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace edgerun
