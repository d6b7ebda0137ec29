// Cut points (operators/partition/cut_points.h) and the studies' fixed cuts (paper_cuts.h): crossing
// tensors and bytes, the static-shape filter, INT8 bytes after SPTQ, and every cut of small models run
// as two halves on two plans (as on two tiers) giving exactly the whole run.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/plan.h"
#include "models/zoo/graph_builder.h"
#include "models/zoo/zoo.h"
#include "operators/partition/paper_cuts.h"
#include "operators/sptq/sptq.h"
#include "tests/support/tensor_compare.h"
#include "tests/support/zoo_graph.h"

namespace edgerun::partition {
namespace {

using Names = std::vector<std::string>;

std::map<std::string, Shape> declared_shapes(const Graph& g) {
  std::map<std::string, Shape> shapes;
  for (ValueId id : g.inputs) {
    Shape s;
    for (const SymDim& d : g.value(id).shape) s.push_back(d.size);
    shapes[g.value(id).name] = s;
  }
  return shapes;
}

std::unique_ptr<Plan> compile(const Graph& g) { return Plan::compile(g, declared_shapes(g), {}).value(); }

// Images uniform in [-1, 1); token ids in range, token types 0, attention mask with padding at the end.
std::vector<NamedTensor> inputs_for(const Graph& g, uint64_t seed) {
  zoo::WeightStream rng(seed);
  std::vector<NamedTensor> inputs;
  for (const auto& [name, shape] : declared_shapes(g)) {
    const Value& v = g.value(*g.find_value(name));
    Tensor t = Tensor::allocate(v.dtype, shape).value();
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      if (v.dtype == DType::kF32) {
        t.data<float>()[i] = 2.0f * rng.uniform() - 1.0f;
      } else if (name == "attention_mask") {
        t.data<int64_t>()[i] = i < t.num_elements() - 2 ? 1 : 0;
      } else if (name == "input_ids") {
        t.data<int64_t>()[i] = 2 + static_cast<int64_t>(rng.next_u64() % 500);
      } else {
        t.data<int64_t>()[i] = 0;
      }
    }
    inputs.push_back({name, t});
  }
  return inputs;
}

Graph quantized(const Graph& fp32) {
  auto q = sptq::quantize(fp32, {inputs_for(fp32, 7), inputs_for(fp32, 8)}, {});
  REQUIRE_MESSAGE(q.ok(), q.status().to_string());
  return std::move(q->graph);
}

// x [1,2,3,4] -> Relu = a -> Sigmoid = b -> Neg = c -> Add(c, a) = d -> Mul(d, m) = e; the input
// m [4] is read only by the last step, so it crosses every cut.
Graph residual_block() {
  zoo::GraphBuilder b("block", 1);
  const ValueId x = b.input("x", DType::kF32, {1, 2, 3, 4});
  const ValueId m = b.input("m", DType::kF32, {4});
  const ValueId a = b.op("Relu", "relu", {x});
  const ValueId c = b.op("Neg", "neg", {b.op("Sigmoid", "sigmoid", {a})});
  b.output(b.op("Mul", "mul", {b.op("Add", "add", {c, a}), m}));
  return b.finish().value();
}

TEST_CASE("partition cuts: a residual block with a late input, tensors, types and bytes per cut") {
  auto plan = compile(residual_block());
  REQUIRE(plan->num_steps() == 5);
  const std::vector<CutPoint> cuts = enumerate_cuts(*plan);
  REQUIRE(cuts.size() == 6);
  // Inputs first (graph order), then values in production order.
  CHECK(cuts[0].tensors == Names{"x", "m"});
  CHECK(cuts[1].tensors == Names{"m", "relu_out"});
  CHECK(cuts[2].tensors == Names{"m", "relu_out", "sigmoid_out"});  // inside the block: two cross
  CHECK(cuts[3].tensors == Names{"m", "relu_out", "neg_out"});
  CHECK(cuts[4].tensors == Names{"m", "add_out"});  // at the block's boundary: one
  CHECK(cuts[5].tensors == Names{"mul_out"});       // the outputs
  const std::vector<int64_t> bytes = {24 * 4 + 16, 16 + 96, 16 + 2 * 96, 16 + 2 * 96, 16 + 96, 96};
  for (size_t k = 0; k < cuts.size(); ++k) {
    CAPTURE(k);
    CHECK(cuts[k].step == k);
    CHECK(cuts[k].bytes == bytes[k]);
    CHECK(cuts[k].dtypes.size() == cuts[k].tensors.size());
    CHECK(cuts[k].shapes.size() == cuts[k].tensors.size());
  }
  CHECK(cuts[0].after == "(input)");
  CHECK(cuts[3].after == "neg");
  CHECK(cuts[1].shapes == std::vector<Shape>{{4}, {1, 2, 3, 4}});
  CHECK(cuts[1].dtypes == std::vector<DType>{DType::kF32, DType::kF32});
  CHECK(cut_at(*plan, 6).status().code() == StatusCode::kOutOfRange);
}

TEST_CASE("partition cuts: values with run-time shapes are not shippable") {
  // Reshape to a shape that is a graph input: its output's shape is known only at run time.
  zoo::GraphBuilder b("dynamic", 1);
  const ValueId x = b.input("x", DType::kF32, {2, 6});
  const ValueId s = b.input("s", DType::kI64, {2});
  b.output(b.op("Relu", "relu", {b.op("Reshape", "reshape", {x, s})}));
  auto plan = Plan::compile(b.finish().value(), {{"x", {2, 6}}, {"s", {2}}}, {}).value();
  REQUIRE(plan->num_steps() == 2);
  const std::vector<CutPoint> cuts = enumerate_cuts(*plan);
  REQUIRE(cuts.size() == 1);  // only the inputs: every later cut crosses a run-time shape
  CHECK(cuts[0].tensors == Names{"x", "s"});
  CHECK(cuts[0].bytes == 12 * 4 + 2 * 8);
  const Status st = cut_at(*plan, 1).status();
  CHECK(st.code() == StatusCode::kUnsupported);
  CHECK(st.message().find("'reshape_out' has a shape known only at run time") != std::string::npos);
}

// Every cut of `g`: the head on one plan, the tail on another whose arena holds another input's values
// (so a value missing from the crossing set shows up as a wrong output), against the whole run.
void check_every_cut_splits_exactly(const Graph& g) {
  const std::vector<NamedTensor> inputs = inputs_for(g, 1);
  const std::vector<NamedTensor> other = inputs_for(g, 2);
  auto whole = compile(g);
  auto head = compile(g);
  auto tail = compile(g);
  std::vector<NamedTensor> expected, scratch;
  REQUIRE(whole->run(inputs, &expected).ok());
  const size_t n = whole->num_steps();
  for (size_t k = 0; k <= n; ++k) {
    CAPTURE(k);
    std::vector<NamedTensor> crossing, outputs;
    std::vector<double> head_ms, tail_ms;
    REQUIRE(head->run_steps(0, k, inputs, &crossing, &head_ms).ok());
    auto cut = cut_at(*head, k);
    REQUIRE(cut.ok());
    REQUIRE(crossing.size() == cut->tensors.size());
    int64_t shipped = 0;
    for (size_t i = 0; i < crossing.size(); ++i) {
      CHECK(crossing[i].name == cut->tensors[i]);
      CHECK(crossing[i].tensor.shape() == cut->shapes[i]);
      shipped += static_cast<int64_t>(crossing[i].tensor.byte_size());
    }
    CHECK(shipped == cut->bytes);
    REQUIRE(tail->run(other, &scratch).ok());
    const Status st = tail->run_steps(k, n, crossing, &outputs, &tail_ms);
    REQUIRE_MESSAGE(st.ok(), st.to_string());
    CHECK(head_ms.size() + tail_ms.size() == n);
    REQUIRE(outputs.size() == expected.size());
    for (size_t o = 0; o < outputs.size(); ++o) {
      CHECK(outputs[o].name == expected[o].name);
      CHECK(testing::compare_tensors(outputs[o].tensor, expected[o].tensor, {0, 0}) == "");
    }
  }
}

TEST_CASE("partition cuts: running [0, K) then [K, N) on two plans gives the whole run, every cut") {
  SUBCASE("resnet50 FP32 @32") { check_every_cut_splits_exactly(testing::zoo_model("resnet50", 32)); }
  SUBCASE("bert-student FP32, sequence 8 (the attention mask crosses)") {
    check_every_cut_splits_exactly(testing::zoo_model("bert-student", 0, 8));
  }
  SUBCASE("resnet50 SPTQ INT8 @32") { check_every_cut_splits_exactly(quantized(testing::zoo_model("resnet50", 32))); }
}

TEST_CASE("partition paper cuts: ResNet family after layer3's last block, FCN, DUC, BERT, RoBERTa") {
  struct Expect {
    std::string model;
    int64_t image_size, sequence_length;
    Names tensors;
    std::vector<Shape> shapes;
    std::string after;
  };
  const std::vector<Expect> expects = {
      // resnet50 @64: layer3 at stride 16 -> 4x4.
      {"resnet50", 64, 0, {"layer3.5.relu_2_out"}, {{1, 1024, 4, 4}}, "layer3.5.conv3"},
      // FCN @64: dilated layer3 at stride 8 -> 8x8; the aux head reads the same tensor.
      {"fcn", 64, 0, {"backbone.layer3.22.relu_2_out"}, {{1, 1024, 8, 8}}, "backbone.layer3.22.conv3"},
      // DUC @64: res5a = layer4.0 at stride 8 -> 8x8.
      {"duc", 64, 0, {"layer4.0.relu_2_out"}, {{1, 2048, 8, 8}}, "layer4.0.conv3"},
      {"bert-student",
       0,
       8,
       {"attention_mask", "bert.embeddings.LayerNorm.LayerNormalization_out"},
       {{1, 8}, {1, 8, 512}},
       "bert.embeddings.LayerNorm.LayerNormalization"},
      {"roberta-student",
       0,
       8,
       {"attention_mask", "roberta.embeddings.LayerNorm.LayerNormalization_out"},
       {{1, 8}, {1, 8, 512}},
       "roberta.embeddings.LayerNorm.LayerNormalization"},
  };
  for (const Expect& e : expects) {
    CAPTURE(e.model);
    auto plan = compile(testing::zoo_model(e.model, e.image_size, e.sequence_length));
    auto cut = paper_cut(*plan, e.model);
    REQUIRE_MESSAGE(cut.ok(), cut.status().to_string());
    CHECK(cut->tensors == e.tensors);
    CHECK(cut->shapes == e.shapes);
    CHECK(cut->after == e.after);
    CHECK(plan->step_node(cut->step - 1).name == e.after);
  }
}

TEST_CASE("partition paper cuts: every listed model is in the zoo; others are clear errors") {
  for (const std::string& m : paper_cut_models()) {
    CAPTURE(m);
    CHECK(zoo::find_zoo_entry(m) != nullptr);
  }
  auto plan = compile(residual_block());
  const Status unknown = paper_cut(*plan, "mobilenetv2").status();
  CHECK(unknown.code() == StatusCode::kNotFound);
  CHECK(unknown.message().find("no paper cut for model 'mobilenetv2'; models with one: resnet, resnext") !=
        std::string::npos);
  const Status foreign = paper_cut(*plan, "resnet").status();  // not built by the zoo
  CHECK(foreign.code() == StatusCode::kNotFound);
  CHECK(foreign.message().find("no step named 'layer3.*'") != std::string::npos);
}

TEST_CASE("partition paper cuts: after SPTQ the same cut ships uint8, 4x fewer bytes") {
  SUBCASE("resnet50 @32: the QLinearAdd of layer3's last block produces uint8 itself") {
    const Graph fp32 = testing::zoo_model("resnet50", 32);
    auto fp32_plan = compile(fp32);
    auto int8_plan = compile(quantized(fp32));
    auto f = paper_cut(*fp32_plan, "resnet50");
    auto q = paper_cut(*int8_plan, "resnet50");
    REQUIRE(f.ok());
    REQUIRE(q.ok());
    CHECK(f->tensors == Names{"layer3.5.relu_2_out"});
    CHECK(q->tensors == Names{"layer3.5.relu_2_out_quantized"});
    CHECK(f->dtypes == std::vector<DType>{DType::kF32});
    CHECK(q->dtypes == std::vector<DType>{DType::kU8});
    CHECK(q->shapes == f->shapes);
    CHECK(f->bytes == 1024 * 2 * 2 * 4);
    CHECK(f->bytes == 4 * q->bytes);
  }
  SUBCASE("bert-student, sequence 8: the cut moves past the LayerNorm output's QuantizeLinear") {
    const Graph fp32 = testing::zoo_model("bert-student", 0, 8);
    auto int8_plan = compile(quantized(fp32));
    auto q = paper_cut(*int8_plan, "bert-student");
    REQUIRE_MESSAGE(q.ok(), q.status().to_string());
    // The mask crosses as the additive float mask SPTQ's reordering computed before the QuantizeLinear.
    CHECK(q->tensors == Names{"bert.Mul_out", "bert.embeddings.LayerNorm.LayerNormalization_out_quantized"});
    CHECK(q->dtypes == std::vector<DType>{DType::kF32, DType::kU8});
    CHECK(q->bytes == 8 * 4 + 8 * 512);
    CHECK(int8_plan->step_node(q->step - 1).op == OpType::kQuantizeLinear);
  }
}

}  // namespace
}  // namespace edgerun::partition
