// The QDQ lowering (graph/passes/lower_qdq.h): which patterns become INT8 ops, and that the INT8
// plan computes what the same QDQ graph computes as fake-quant float (ONNX's reference semantics),
// up to the last-bit rounding differences of integer requantization.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/plan.h"
#include "engine/session.h"
#include "kernels/cpu_features.h"
#include "models/data/eval_task.h"
#include "models/data/fashion_mnist.h"
#include "models/data/task.h"
#include "models/zoo/graph_builder.h"

namespace edgerun {
namespace {

using zoo::GraphBuilder;

Attributes axis_attr(int64_t axis) {
  Attributes a;
  a.set_int("axis", axis);
  return a;
}

// QuantizeLinear -> DequantizeLinear of an activation (uint8 per tensor).
ValueId fake_quant(GraphBuilder& b, const std::string& name, ValueId x, float scale, uint8_t zero_point) {
  const ValueId s = b.constant(name + ".scale", Tensor::scalar<float>(scale));
  const ValueId z = b.constant(name + ".zero_point", Tensor::scalar<uint8_t>(zero_point));
  const ValueId q = b.op("QuantizeLinear", name + ".q", {x, s, z});
  return b.op("DequantizeLinear", name + ".dq", {q, s, z});
}

// An int8 weight with one symmetric scale per slice along axis 0, behind a DequantizeLinear.
ValueId int8_weight(GraphBuilder& b, const std::string& name, const Shape& shape, int8_t zero_point = 0) {
  Tensor q = Tensor::allocate(DType::kI8, shape).value();
  for (int64_t i = 0; i < q.num_elements(); ++i)
    q.data<int8_t>()[i] = static_cast<int8_t>(static_cast<int>(b.weights().next_u64() % 255) - 127);
  std::vector<float> scales;
  for (int64_t c = 0; c < shape[0]; ++c) scales.push_back(0.002f + 0.001f * static_cast<float>(c % 5));
  const ValueId qv = b.constant(name + ".q", q);
  const ValueId sv = b.constant(name + ".scale", Tensor::from_vector<float>({shape[0]}, scales));
  Tensor zp = Tensor::allocate(DType::kI8, {shape[0]}).value();
  for (int64_t c = 0; c < shape[0]; ++c) zp.data<int8_t>()[c] = zero_point;
  const ValueId zv = b.constant(name + ".zp", zp);
  return b.op("DequantizeLinear", name + ".dq", {qv, sv, zv}, axis_attr(0));
}

Attributes conv_attrs(int64_t pad) {
  Attributes a;
  a.set_ints("pads", {pad, pad, pad, pad});
  return a;
}

// conv(3x3)+ReLU and conv(1x1) from one quantized input, their quantized sum with ReLU, global pool,
// flatten and a Gemm with float output.
Graph residual_block(int8_t weight_zero_point = 0) {
  GraphBuilder b("qdq_block", 5);
  const ValueId x = b.input("x", DType::kF32, {2, 3, 9, 7});
  const ValueId xq = fake_quant(b, "x", x, 0.02f, 128);
  const ValueId c1 = b.op("Conv", "conv1", {xq, int8_weight(b, "w1", {8, 3, 3, 3}, weight_zero_point),
                                            b.uniform("b1", {8}, -0.1f, 0.1f)}, conv_attrs(1));
  const ValueId r1 = fake_quant(b, "r1", b.op("Relu", "relu1", {c1}), 0.01f, 0);
  const ValueId c2 = fake_quant(b, "c2", b.op("Conv", "conv2", {xq, int8_weight(b, "w2", {8, 3, 1, 1})}), 0.01f, 120);
  const ValueId sum = fake_quant(b, "sum", b.op("Relu", "relu2", {b.op("Add", "add", {r1, c2})}), 0.015f, 0);
  const ValueId pooled = fake_quant(b, "gap", b.op("GlobalAveragePool", "gap", {sum}), 0.005f, 0);
  Attributes flat;
  flat.set_int("axis", 1);
  const ValueId f = b.op("Flatten", "flatten", {pooled}, flat);
  Attributes gemm;
  gemm.set_int("transB", 1);
  b.output(b.op("Gemm", "fc", {f, int8_weight(b, "wf", {5, 8}), b.uniform("bf", {5}, -0.1f, 0.1f)}, gemm), "y");
  return b.finish().value();
}

std::map<OpType, int> plan_ops(const Session& s) {
  std::map<OpType, int> ops;
  for (const Node& n : s.plan()->graph().nodes) ++ops[n.op];
  return ops;
}

Tensor run_one(Session& s, const Tensor& x) {
  std::vector<NamedTensor> out;
  REQUIRE(s.run({{"x", x}}, &out).ok());
  return out[0].tensor;
}

Tensor random_input(const Shape& shape) {
  Tensor t = Tensor::allocate(DType::kF32, shape).value();
  zoo::WeightStream w(11);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = 4.0f * w.uniform() - 2.0f;
  return t;
}

}  // namespace

TEST_CASE("lower_qdq: a QDQ residual block runs on INT8 ops and agrees with fake-quant float") {
  SessionOptions int8, fake;
  fake.lower_qdq = false;
  auto s8 = Session::from_graph(residual_block(), int8).value();
  auto sf = Session::from_graph(residual_block(), fake).value();
  const Tensor x = random_input({2, 3, 9, 7});
  const Tensor y8 = run_one(*s8, x), yf = run_one(*sf, x);
  std::map<OpType, int> ops = plan_ops(*s8);
  CHECK(ops[OpType::kQConv] == 2);
  CHECK(ops[OpType::kQLinearAdd] == 1);
  CHECK(ops[OpType::kQLinearGlobalAveragePool] == 1);
  CHECK(ops[OpType::kQMatMul] == 1);
  CHECK(ops[OpType::kConv] + ops[OpType::kGemm] + ops[OpType::kAdd] + ops[OpType::kDequantizeLinear] == 0);
  CHECK(ops[OpType::kQuantizeLinear] == 1);  // the float input only
  CHECK(plan_ops(*sf)[OpType::kConv] == 2);
  // Integer requantization rounds ties away from zero and in fixed point, ONNX's QuantizeLinear half
  // to even in float: a few codes may differ by one step. One step of one pooled value (0.005) moves
  // a logit by at most 0.005 * max|w| (0.006 * 127 = 0.76), about 0.004.
  REQUIRE(y8.shape() == yf.shape());
  double max_diff = 0, max_abs = 0;
  for (int64_t i = 0; i < y8.num_elements(); ++i) {
    max_diff = std::max(max_diff, std::fabs(double(y8.data<float>()[i]) - yf.data<float>()[i]));
    max_abs = std::max(max_abs, std::fabs(double(yf.data<float>()[i])));
  }
  CHECK(max_abs > 0.05);
  CHECK(max_diff <= 0.008);
  MESSAGE("INT8 vs fake-quant: max |y| " << max_abs << ", max difference " << max_diff);
}

TEST_CASE("lower_qdq: asymmetric int8 weights are left as fake-quant float") {
  auto s = Session::from_graph(residual_block(/*weight_zero_point=*/3)).value();
  const Tensor x = random_input({2, 3, 9, 7});
  SessionOptions fake;
  fake.lower_qdq = false;
  auto sf = Session::from_graph(residual_block(3), fake).value();
  const Tensor y = run_one(*s, x), yf = run_one(*sf, x);
  std::map<OpType, int> ops = plan_ops(*s);
  CHECK(ops[OpType::kQConv] == 1);  // conv2's weights are symmetric in both graphs... only conv1 is not
  CHECK(ops[OpType::kConv] == 1);
  REQUIRE(y.num_elements() == yf.num_elements());
  for (int64_t i = 0; i < y.num_elements(); ++i) CHECK(y.data<float>()[i] == doctest::Approx(yf.data<float>()[i]).epsilon(0.01));
}

// Under every ISA cap this CPU allows, so the AVX2 and reference INT8 paths run end to end too.
TEST_CASE("lower_qdq: the QAT ResNet runs natively in INT8 with the fake-quant predictions") {
  const std::string path = data::source_dir() + "/models/trained/resnet/qat.onnx";
  auto images = data::load_fashion_mnist(data::kFashionMnistDir).value();
  constexpr int64_t kSamples = 64;
  auto batch = data::image_input_batch(images.pixels, 28, 28, 0, kSamples, kSamples).value();
  SessionOptions fake;
  fake.lower_qdq = false;
  std::vector<NamedTensor> yf;
  REQUIRE(Session::load_file(path, fake).value()->run(batch, &yf).ok());
  struct RestoreCap {  // also when a REQUIRE throws
    kernels::Isa saved = kernels::active_isa();
    ~RestoreCap() { kernels::set_isa_cap(saved); }
  } restore;
  for (kernels::Isa isa : {kernels::Isa::kRef, kernels::Isa::kAvx2, kernels::Isa::kAvx512Vnni}) {
    if (!(isa <= kernels::cpu_features().best)) continue;
    kernels::set_isa_cap(isa);
    const std::string isa_label = kernels::isa_name(isa);
    CAPTURE(isa_label);
    auto s8 = Session::load_file(path).value();
    std::vector<NamedTensor> y8;
    REQUIRE(s8->run(batch, &y8).ok());
    CHECK(plan_ops(*s8)[OpType::kQConv] == 26);
    CHECK(plan_ops(*s8)[OpType::kConv] == 0);
    int agree = 0;
    double max_diff = 0;
    for (int64_t r = 0; r < kSamples; ++r) {
      const float* a = y8[0].tensor.data<float>() + r * 10;
      const float* b = yf[0].tensor.data<float>() + r * 10;
      agree += std::max_element(a, a + 10) - a == std::max_element(b, b + 10) - b;
      for (int j = 0; j < 10; ++j) max_diff = std::max(max_diff, std::fabs(double(a[j]) - b[j]));
    }
    CHECK(agree >= kSamples - 1);
    CHECK(max_diff < 0.5);
    MESSAGE("QAT ResNet INT8 (" << isa_label << ") vs fake-quant: " << agree << "/" << kSamples
                                << " predictions agree, max logit diff " << max_diff);
  }
}

}  // namespace edgerun
