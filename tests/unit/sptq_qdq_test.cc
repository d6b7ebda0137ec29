// SPTQ end to end on small graphs: which tensors get QuantizeLinear / DequantizeLinear, with which
// types, axes and scales (operators/sptq/qdq_insert.h), and that the QDQ graph still runs close to FP32.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/session.h"
#include "models/zoo/graph_builder.h"
#include "operators/sptq/sptq.h"

namespace edgerun::sptq {
namespace {

// x [1,2,6,6] -> conv1 -> Relu -> r1 -> MaxPool -> "pool" (output)
//                 \-> conv2 (excluded) -> c2 ----\ Add(r1, c2) -> GlobalAveragePool -> Flatten
//                                                  -> gemm (transB 1) -> "logits" (output)
Graph small_cnn() {
  zoo::GraphBuilder b("small", 3);
  const ValueId x = b.input("x", DType::kF32, {1, 2, 6, 6});
  Attributes conv;
  conv.set_ints("pads", {1, 1, 1, 1});
  const ValueId c1 = b.op("Conv", "conv1", {x, b.normal("w1", {3, 2, 3, 3}, 0.5f), b.normal("b1", {3}, 0.1f)}, conv);
  const ValueId r1 = b.op("Relu", "relu1", {c1});
  Attributes pool;
  pool.set_ints("kernel_shape", {2, 2});
  pool.set_ints("strides", {2, 2});
  b.output(b.op("MaxPool", "pool1", {r1}, pool), "pool");
  const ValueId c2 = b.op("Conv", "conv2", {x, b.normal("w2", {3, 2, 3, 3}, 0.5f)}, conv);
  const ValueId s = b.op("Add", "add", {r1, c2});
  const ValueId f = b.op("Flatten", "flatten", {b.op("GlobalAveragePool", "gap", {s})});
  Attributes gemm;
  gemm.set_int("transB", 1);
  b.output(b.op("Gemm", "gemm", {f, b.normal("wg", {5, 3}, 0.5f), b.normal("bg", {5}, 0.1f)}, gemm), "logits");
  return b.finish().value();
}

std::vector<std::vector<NamedTensor>> samples_for(const Graph& g, int count) {
  zoo::WeightStream rng(11);
  std::vector<std::vector<NamedTensor>> samples;
  for (int s = 0; s < count; ++s) {
    std::vector<NamedTensor> one;
    for (ValueId id : g.inputs) {
      Shape shape;
      for (const SymDim& d : g.value(id).shape) shape.push_back(d.size);
      Tensor t = Tensor::allocate(DType::kF32, shape).value();
      for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = 2.0f * rng.uniform() - 1.0f;
      one.push_back({g.value(id).name, t});
    }
    samples.push_back(std::move(one));
  }
  return samples;
}

const Node* producer_of(const Graph& g, ValueId v) {
  for (const Node& n : g.nodes) {
    for (ValueId o : n.outputs) {
      if (o == v) return &n;
    }
  }
  return nullptr;
}
const Node* node_named(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}
int count_op(const Graph& g, OpType op, ValueId input) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.op == op && !node.inputs.empty() && node.inputs[0] == input;
  return n;
}
float scalar_of(const Graph& g, ValueId v) { return g.value(v).constant->data<float>()[0]; }

// The DequantizeLinear feeding `node`'s input `slot`.
const Node& dq_of(const Graph& g, const Node& node, size_t slot) {
  const Node* dq = producer_of(g, node.inputs.at(slot));
  REQUIRE(dq != nullptr);
  REQUIRE(dq->op == OpType::kDequantizeLinear);
  return *dq;
}

TEST_CASE("sptq QDQ insertion: types, axes, scales, one Q per tensor, excluded node in float") {
  const Graph fp32 = small_cnn();
  const auto samples = samples_for(fp32, 3);
  SptqOptions options;
  options.calibrator = Calibrator::kMinMax;
  options.exclude = {"conv2"};
  auto result = quantize(fp32, samples, options, /*with_report=*/true);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  const Graph& g = result->graph;
  CHECK(result->quantized_ops.at("Conv") == 1);
  CHECK(result->quantized_ops.at("Gemm") == 1);
  CHECK(result->quantized_ops.at("Add") == 1);
  CHECK(result->quantized_ops.at("MaxPool") == 1);
  CHECK(result->quantized_ops.at("GlobalAveragePool") == 1);
  CHECK(result->excluded == std::vector<std::string>{"conv2"});

  // conv1: input x via DQ(uint8), weight int8 per output channel (axis 0), bias int32 at x_scale * w_scale.
  const Node& conv1 = *node_named(g, "conv1");
  const Node& x_dq = dq_of(g, conv1, 0);
  const Node* x_q = producer_of(g, x_dq.inputs[0]);
  REQUIRE(x_q != nullptr);
  CHECK(x_q->op == OpType::kQuantizeLinear);
  CHECK(g.value(x_q->outputs[0]).dtype == DType::kU8);
  const Node& w_dq = dq_of(g, conv1, 1);
  CHECK(g.value(w_dq.inputs[0]).constant->dtype() == DType::kI8);
  CHECK(w_dq.attrs.get_int("axis", -1) == 0);
  CHECK(g.value(w_dq.inputs[1]).constant->num_elements() == 3);
  CHECK(g.value(w_dq.inputs[2]).constant->dtype() == DType::kI8);
  const Node& b_dq = dq_of(g, conv1, 2);
  CHECK(g.value(b_dq.inputs[0]).constant->dtype() == DType::kI32);
  const float x_scale = scalar_of(g, x_q->inputs[1]);
  for (int c = 0; c < 3; ++c) {
    CHECK(g.value(b_dq.inputs[1]).constant->data<float>()[c] ==
          doctest::Approx(x_scale * g.value(w_dq.inputs[1]).constant->data<float>()[c]).epsilon(1e-6));
  }
  // Per-channel symmetric: each channel's largest |q| is 127.
  const Tensor& wq = *g.value(w_dq.inputs[0]).constant;
  for (int c = 0; c < 3; ++c) {
    int peak = 0;
    for (int k = 0; k < 18; ++k) peak = std::max(peak, std::abs(static_cast<int>(wq.data<int8_t>()[c * 18 + k])));
    CHECK(peak == 127);
  }

  // conv1's output is not quantized (the Relu follows); the Relu's output is, once, with a DQ for each
  // of its two readers (MaxPool, Add).
  const ValueId c1 = node_named(g, "relu1")->inputs[0];
  CHECK(producer_of(g, c1) == &conv1);
  CHECK(count_op(g, OpType::kQuantizeLinear, c1) == 0);
  const ValueId r1 = node_named(g, "relu1")->outputs[0];
  REQUIRE(count_op(g, OpType::kQuantizeLinear, r1) == 1);
  const Node& pool_dq = dq_of(g, *node_named(g, "pool1"), 0);
  const Node& add_dq = dq_of(g, *node_named(g, "add"), 0);
  CHECK(&pool_dq != &add_dq);
  CHECK(pool_dq.inputs[0] == add_dq.inputs[0]);

  // The excluded conv2 keeps its float weight and runs in float on a DQ of x; its output is quantized
  // because the Add reads it.
  const Node& conv2 = *node_named(g, "conv2");
  REQUIRE(g.value(conv2.inputs[1]).constant.has_value());
  CHECK(g.value(conv2.inputs[1]).constant->dtype() == DType::kF32);
  CHECK(dq_of(g, conv2, 0).inputs[0] == x_dq.inputs[0]);
  CHECK(count_op(g, OpType::kQuantizeLinear, conv2.outputs[0]) == 1);

  // MaxPool's output reuses its input's scale and zero point. (The builder names graph outputs with an
  // Identity, which reads a DQ of it.)
  const ValueId pooled = node_named(g, "pool1")->outputs[0];
  const Node* pool_q = nullptr;
  for (const Node& n : g.nodes) {
    if (n.op == OpType::kQuantizeLinear && n.inputs[0] == pooled) pool_q = &n;
  }
  REQUIRE(pool_q != nullptr);
  CHECK(scalar_of(g, pool_q->inputs[1]) == scalar_of(g, pool_dq.inputs[1]));
  CHECK(g.value(pool_q->inputs[2]).constant->data<uint8_t>()[0] ==
        g.value(pool_dq.inputs[2]).constant->data<uint8_t>()[0]);
  CHECK(dq_of(g, *producer_of(g, *g.find_value("pool")), 0).inputs[0] == pool_q->outputs[0]);

  // Gemm with transB = 1: weight axis 0.
  CHECK(dq_of(g, *node_named(g, "gemm"), 1).attrs.get_int("axis", -1) == 0);

  // Graph inputs and outputs keep their names and float types; the QDQ graph runs close to FP32.
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.value(g.inputs[0]).name == "x");
  auto f = Session::from_graph(fp32).value();
  auto q = Session::from_graph(g).value();
  std::vector<NamedTensor> fo, qo;
  REQUIRE(f->run(samples[0], &fo).ok());
  REQUIRE(q->run(samples[0], &qo).ok());
  REQUIRE(qo.size() == fo.size());
  for (size_t i = 0; i < fo.size(); ++i) {
    CHECK(qo[i].name == fo[i].name);
    CHECK(qo[i].tensor.dtype() == DType::kF32);
    float peak = 0.0f, diff = 0.0f;
    for (int64_t k = 0; k < fo[i].tensor.num_elements(); ++k) {
      peak = std::max(peak, std::fabs(fo[i].tensor.data<float>()[k]));
      diff = std::max(diff, std::fabs(fo[i].tensor.data<float>()[k] - qo[i].tensor.data<float>()[k]));
    }
    CHECK(diff < 0.05f * peak);
  }
  // The report: one row per quantized tensor, high SQNR on this easy graph.
  REQUIRE(!result->report.empty());
  CHECK(result->report.front().tensor == "x");
  for (const TensorReport& t : result->report) {
    CAPTURE(t.tensor);
    CHECK(t.sqnr_db > 20.0);
    CHECK(t.cosine > 0.99);
  }
}

TEST_CASE("sptq QDQ insertion: MatMul and Gemm weight axes, both MatMul operands activations") {
  zoo::GraphBuilder b("dense", 5);
  const ValueId x = b.input("x", DType::kF32, {2, 3});
  const ValueId m = b.op("MatMul", "matmul", {x, b.normal("wm", {3, 4}, 0.5f)});
  const ValueId gm = b.op("Gemm", "gemm", {m, b.normal("wg", {4, 4}, 0.5f)});  // transB 0
  Attributes t;
  t.set_ints("perm", {1, 0});
  b.output(b.op("MatMul", "attention", {gm, b.op("Transpose", "t", {m}, t)}), "y");
  const Graph fp32 = b.finish().value();
  auto result = quantize(fp32, samples_for(fp32, 2), SptqOptions{});
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  const Graph& g = result->graph;
  CHECK(dq_of(g, *node_named(g, "matmul"), 1).attrs.get_int("axis", -1) == 1);
  CHECK(dq_of(g, *node_named(g, "gemm"), 1).attrs.get_int("axis", -1) == 1);
  const Node& attention = *node_named(g, "attention");
  for (size_t slot : {size_t{0}, size_t{1}}) {
    const Node& dq = dq_of(g, attention, slot);
    CHECK(g.value(dq.inputs[0]).dtype == DType::kU8);
    CHECK_FALSE(dq.attrs.has("axis"));
  }
}

TEST_CASE("sptq errors: no samples, unknown exclude, bad percentile") {
  const Graph fp32 = small_cnn();
  const auto samples = samples_for(fp32, 1);
  CHECK(quantize(fp32, {}, SptqOptions{}).status().code() == StatusCode::kInvalidArgument);
  SptqOptions unknown;
  unknown.exclude = {"conv9"};
  auto r = quantize(fp32, samples, unknown);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kNotFound);
  CHECK(r.status().message().find("'conv9'") != std::string::npos);
  SptqOptions by_op;
  by_op.exclude = {"Conv"};
  auto all_float = quantize(fp32, samples, by_op);
  REQUIRE(all_float.ok());
  CHECK(all_float->quantized_ops.count("Conv") == 0);
  CHECK(all_float->excluded.size() == 2);
  SptqOptions bad;
  bad.percentile = 0.0;
  CHECK(quantize(fp32, samples, bad).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace edgerun::sptq
