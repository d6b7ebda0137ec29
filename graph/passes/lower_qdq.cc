#include "graph/passes/lower_qdq.h"

#include <cmath>
#include <string>
#include <limits>
#include <map>
#include <optional>

#include "graph/ops/quant_int8.h"
#include "graph/passes/fuse_activations.h"

namespace edgerun {

namespace {

const Tensor* constant_of(const Graph& g, ValueId v) {
  if (v == kNoValue || !g.value(v).constant) return nullptr;
  return &*g.value(v).constant;
}

bool is_scalar_f32(const Tensor* t) { return t != nullptr && t->dtype() == DType::kF32 && t->num_elements() == 1; }

// Who reads and who writes each value, for the sweep over the graph as it was before it.
struct Index {
  std::vector<int> producer;
  std::vector<std::vector<int>> readers;

  explicit Index(const Graph& g) : producer(g.producers()), readers(g.values.size()) {
    for (size_t k = 0; k < g.nodes.size(); ++k) {
      for (ValueId in : g.nodes[k].inputs) {
        if (in != kNoValue) readers[static_cast<size_t>(in)].push_back(static_cast<int>(k));
      }
    }
  }
  const Node* producer_node(const Graph& g, ValueId v, OpType op) const {
    const int p = producer[static_cast<size_t>(v)];
    if (p < 0 || g.nodes[static_cast<size_t>(p)].op != op) return nullptr;
    return &g.nodes[static_cast<size_t>(p)];
  }
  // The single node reading v, if v is no graph output and has exactly one reader.
  int sole_reader(const Graph& g, ValueId v) const {
    const auto& r = readers[static_cast<size_t>(v)];
    return r.size() == 1 && !g.is_output(v) ? r[0] : -1;
  }
};

// A uint8 activation quantized per tensor, as a DequantizeLinear reads it.
struct Activation {
  ValueId q = kNoValue, scale = kNoValue, zero_point = kNoValue;  // zero_point kNoValue: 0
  float scale_value = 1.0f;
  int32_t zero_point_value = 0;
};

// Scale / zero point inputs 1 and 2 of a QuantizeLinear or DequantizeLinear, if per-tensor uint8.
std::optional<Activation> per_tensor_u8(const Graph& g, const Node& n) {
  if (n.inputs.size() < 2 || n.outputs.size() != 1) return std::nullopt;
  const Tensor* scale = constant_of(g, n.inputs[1]);
  if (!is_scalar_f32(scale) || !(scale->data<float>()[0] > 0.0f)) return std::nullopt;
  Activation a;
  a.scale = n.inputs[1];
  a.scale_value = scale->data<float>()[0];
  if (n.inputs.size() > 2 && n.inputs[2] != kNoValue) {
    const Tensor* zp = constant_of(g, n.inputs[2]);
    if (zp == nullptr || zp->dtype() != DType::kU8 || zp->num_elements() != 1) return std::nullopt;
    a.zero_point = n.inputs[2];
    a.zero_point_value = zp->data<uint8_t>()[0];
  }
  return a;
}

std::optional<Activation> dequantized_activation(const Graph& g, const Index& ix, ValueId v) {
  if (v == kNoValue) return std::nullopt;
  const Node* dq = ix.producer_node(g, v, OpType::kDequantizeLinear);
  if (dq == nullptr || constant_of(g, dq->inputs[0]) != nullptr) return std::nullopt;
  if (g.value(dq->inputs[0]).dtype != DType::kU8) return std::nullopt;
  std::optional<Activation> a = per_tensor_u8(g, *dq);
  if (a) a->q = dq->inputs[0];
  return a;
}

// An int8 constant weight with a symmetric scale per slice along `axis` (or one for all). The
// pointers die when the graph adds a value: copy what is needed first.
struct Weight {
  const Tensor* q = nullptr;
  const Tensor* scale = nullptr;
  int64_t axis = 0;
  std::vector<float> scales() const { return {scale->data<float>(), scale->data<float>() + scale->num_elements()}; }
};

std::optional<Weight> weight_of(const Graph& g, const Node& dq) {
  if (dq.op != OpType::kDequantizeLinear || dq.inputs.size() < 2) return std::nullopt;
  const Tensor* q = constant_of(g, dq.inputs[0]);
  const Tensor* scale = constant_of(g, dq.inputs[1]);
  if (q == nullptr || q->dtype() != DType::kI8 || scale == nullptr || scale->dtype() != DType::kF32) return std::nullopt;
  if (dq.inputs.size() > 2 && dq.inputs[2] != kNoValue) {
    const Tensor* zp = constant_of(g, dq.inputs[2]);
    if (zp == nullptr || zp->dtype() != DType::kI8) return std::nullopt;
    for (int64_t i = 0; i < zp->num_elements(); ++i) {
      if (zp->data<int8_t>()[i] != 0) return std::nullopt;  // asymmetric weights stay fake-quant
    }
  }
  for (int64_t i = 0; i < scale->num_elements(); ++i) {
    if (!(scale->data<float>()[i] > 0.0f)) return std::nullopt;
  }
  Weight w{q, scale, 0};
  if (scale->num_elements() > 1) {
    int64_t axis = dq.attrs.get_int("axis", 1);
    if (axis < 0) axis += q->rank();
    if (axis < 0 || axis >= q->rank() || q->dim(axis) != scale->num_elements()) return std::nullopt;
    w.axis = axis;
  }
  return w;
}

std::optional<Weight> dequantized_weight(const Graph& g, const Index& ix, ValueId v, int64_t axis) {
  if (v == kNoValue) return std::nullopt;
  const Node* dq = ix.producer_node(g, v, OpType::kDequantizeLinear);
  if (dq == nullptr) return std::nullopt;
  std::optional<Weight> w = weight_of(g, *dq);
  if (!w || (w->scale->num_elements() > 1 && w->axis != axis)) return std::nullopt;
  return w;
}

// The QuantizeLinear (to uint8, per tensor) that value v flows into, possibly through one ReLU / Clip.
struct OutputQuantize {
  int activation = -1, quantize = -1;  // node indices (activation -1: none)
  ValueId y = kNoValue;
  Activation params;
};

std::optional<OutputQuantize> quantized_output(const Graph& g, const Index& ix, ValueId v, bool through_activation) {
  OutputQuantize out;
  int r = ix.sole_reader(g, v);
  if (r < 0) return std::nullopt;
  const Node* n = &g.nodes[static_cast<size_t>(r)];
  if (through_activation && (n->op == OpType::kRelu || n->op == OpType::kClip)) {
    Attributes probe;
    if (n->outputs.size() != 1 || !describe_fusable_activation(g, *n, probe)) return std::nullopt;
    out.activation = r;
    r = ix.sole_reader(g, n->outputs[0]);
    if (r < 0) return std::nullopt;
    n = &g.nodes[static_cast<size_t>(r)];
  }
  if (n->op != OpType::kQuantizeLinear || n->outputs.size() != 1) return std::nullopt;
  std::optional<Activation> p = per_tensor_u8(g, *n);
  if (!p || g.value(n->outputs[0]).dtype != DType::kU8) return std::nullopt;
  out.quantize = r;
  out.y = n->outputs[0];
  out.params = *p;
  return out;
}

ValueId zero_point_input(Graph& g, const Activation& a, const std::string& base) {
  if (a.zero_point != kNoValue) return a.zero_point;
  return g.add_constant(g.unique_name(base + "_zero_point"), Tensor::scalar<uint8_t>(0));
}

// A bias as int32 at scale x_scale * w_scale[c]: a float constant, or a DequantizeLinear of an int32
// constant (ONNX Runtime's QDQ bias). nullopt: not lowerable; kNoValue inside: no bias.
std::optional<ValueId> int32_bias(Graph& g, const Index& ix, ValueId b, float x_scale,
                                  const std::vector<float>& w_scale, int64_t channels, const std::string& base) {
  if (b == kNoValue) return kNoValue;
  std::vector<double> real;
  if (const Tensor* c = constant_of(g, b); c != nullptr) {
    if (c->dtype() != DType::kF32 || c->num_elements() != channels) return std::nullopt;
    for (int64_t i = 0; i < channels; ++i) real.push_back(c->data<float>()[i]);
  } else if (const Node* dq = ix.producer_node(g, b, OpType::kDequantizeLinear); dq != nullptr) {
    const Tensor* q = constant_of(g, dq->inputs[0]);
    const Tensor* s = dq->inputs.size() > 1 ? constant_of(g, dq->inputs[1]) : nullptr;
    const Tensor* zp = dq->inputs.size() > 2 ? constant_of(g, dq->inputs[2]) : nullptr;
    if (q == nullptr || q->dtype() != DType::kI32 || q->num_elements() != channels || s == nullptr ||
        s->dtype() != DType::kF32 || (s->num_elements() != 1 && s->num_elements() != channels))
      return std::nullopt;
    if (dq->inputs.size() > 2 && dq->inputs[2] != kNoValue && (zp == nullptr || zp->dtype() != DType::kI32))
      return std::nullopt;
    for (int64_t i = 0; i < channels; ++i) {
      const double scale = s->data<float>()[s->num_elements() == 1 ? 0 : i];
      const double zero = zp == nullptr ? 0.0 : zp->data<int32_t>()[zp->num_elements() == 1 ? 0 : i];
      real.push_back((q->data<int32_t>()[i] - zero) * scale);
    }
  } else {
    return std::nullopt;
  }
  std::vector<int32_t> q(static_cast<size_t>(channels));
  for (int64_t i = 0; i < channels; ++i) {
    const double step = static_cast<double>(x_scale) * w_scale[w_scale.size() == 1 ? 0 : static_cast<size_t>(i)];
    const double r = std::nearbyint(real[static_cast<size_t>(i)] / step);
    if (!(std::fabs(r) <= static_cast<double>(std::numeric_limits<int32_t>::max()))) return std::nullopt;
    q[static_cast<size_t>(i)] = static_cast<int32_t>(r);
  }
  return g.add_constant(g.unique_name(base + "_bias_i32"), Tensor::from_vector<int32_t>({channels}, q));
}

// The sweep's edits: node k is replaced by replacement[k] (empty: removed) when edited[k].
struct Edits {
  std::vector<bool> edited;
  std::vector<std::vector<Node>> replacement;
  explicit Edits(size_t n) : edited(n, false), replacement(n) {}
  bool free(std::initializer_list<int> nodes) const {
    for (int k : nodes) {
      if (k >= 0 && edited[static_cast<size_t>(k)]) return false;
    }
    return true;
  }
  void replace(size_t k, Node n) {
    edited[k] = true;
    replacement[k].clear();
    replacement[k].push_back(std::move(n));
  }
  void remove(int k) {
    if (k < 0) return;
    edited[static_cast<size_t>(k)] = true;
    replacement[static_cast<size_t>(k)].clear();
  }
  void apply(Graph& g) {
    std::vector<Node> nodes;
    for (size_t k = 0; k < g.nodes.size(); ++k) {
      if (!edited[k]) {
        nodes.push_back(std::move(g.nodes[k]));
        continue;
      }
      for (Node& n : replacement[k]) nodes.push_back(std::move(n));
    }
    g.nodes = std::move(nodes);
  }
};

Node internal_node(const Node& from, OpType op, const char* op_type) {
  Node n;
  n.name = from.name;
  n.op = op;
  n.op_type = op_type;
  n.opset = from.opset;
  n.attrs = from.attrs;
  return n;
}

// Sets the output side of a QConv / QMatMul: uint8 through the Q (fusing a ReLU / Clip before it) or
// float as the float op wrote it. Returns the nodes the fusion consumed.
void set_output(Graph& g, const std::optional<OutputQuantize>& oq, ValueId float_out, size_t y_scale_input, Node& n,
                Edits& edits) {
  if (!oq) {
    n.outputs = {float_out};
    return;
  }
  if (oq->activation >= 0) describe_fusable_activation(g, g.nodes[static_cast<size_t>(oq->activation)], n.attrs);
  n.inputs[y_scale_input] = oq->params.scale;
  n.inputs[y_scale_input + 1] = zero_point_input(g, oq->params, n.name + "_y");
  n.outputs = {oq->y};
  edits.remove(oq->activation);
  edits.remove(oq->quantize);
}

bool lower_conv(Graph& g, const Index& ix, size_t k, Edits& edits) {
  const Node& conv = g.nodes[k];
  if (conv.inputs.size() < 2 || conv.outputs.size() != 1) return false;
  const std::optional<Activation> x = dequantized_activation(g, ix, conv.inputs[0]);
  if (!x || g.value(x->q).shape.size() != 4) return false;
  const std::optional<Weight> w = dequantized_weight(g, ix, conv.inputs[1], 0);
  if (!w || w->q->rank() != 4) return false;
  const int64_t channels = w->q->dim(0);
  const std::vector<float> w_scale = w->scales();
  const std::optional<OutputQuantize> oq = quantized_output(g, ix, conv.outputs[0], true);
  if (!edits.free({oq ? oq->activation : -1, oq ? oq->quantize : -1})) return false;
  const std::optional<ValueId> bias = int32_bias(g, ix, conv.inputs.size() > 2 ? conv.inputs[2] : kNoValue,
                                                 x->scale_value, w_scale, channels, conv.name);
  if (!bias) return false;
  Node n = internal_node(conv, OpType::kQConv, "QConv");
  n.inputs.assign(qop::kConvInputs, kNoValue);
  n.inputs[qop::kConvX] = x->q;
  n.inputs[qop::kConvW] = g.nodes[static_cast<size_t>(ix.producer[static_cast<size_t>(conv.inputs[1])])].inputs[0];
  n.inputs[qop::kConvBias] = *bias;
  n.inputs[qop::kConvXScale] = x->scale;
  n.inputs[qop::kConvXZeroPoint] = zero_point_input(g, *x, conv.name + "_x");
  n.inputs[qop::kConvWScale] =
      g.nodes[static_cast<size_t>(ix.producer[static_cast<size_t>(conv.inputs[1])])].inputs[1];
  set_output(g, oq, conv.outputs[0], qop::kConvYScale, n, edits);
  if (!oq) n.inputs.resize(qop::kConvYScale);
  edits.replace(k, std::move(n));
  return true;
}

// The int8 [k, n] weight of a Gemm / MatMul with its per-column scale: Gemm's transB = 1 weight
// [n, k] (per row) is transposed into a new constant.
struct DenseWeight {
  ValueId q = kNoValue, scale = kNoValue;
  std::vector<float> scales;
  int64_t n = 0;
};

std::optional<DenseWeight> dense_weight(Graph& g, const Index& ix, ValueId v, bool transposed) {
  const std::optional<Weight> w = dequantized_weight(g, ix, v, transposed ? 0 : 1);
  if (!w || w->q->rank() != 2) return std::nullopt;
  const Node& dq = g.nodes[static_cast<size_t>(ix.producer[static_cast<size_t>(v)])];
  DenseWeight d{dq.inputs[0], dq.inputs[1], w->scales(), w->q->dim(transposed ? 0 : 1)};
  if (!transposed) return d;
  const int64_t rows = w->q->dim(0), cols = w->q->dim(1);  // [n, k]
  Tensor t = Tensor::allocate(DType::kI8, {cols, rows}).value();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) t.data<int8_t>()[c * rows + r] = w->q->data<int8_t>()[r * cols + c];
  }
  d.q = g.add_constant(g.unique_name(g.value(dq.inputs[0]).name + "_kn"), std::move(t));
  return d;
}

// The Add reading v (v's only reader) whose other operand is a float constant of n elements along the
// last axis; -1 if none. *bias gets that constant.
int bias_add_after(const Graph& g, const Index& ix, ValueId v, int64_t n, ValueId* bias) {
  const int r = ix.sole_reader(g, v);
  if (r < 0) return -1;
  const Node& add = g.nodes[static_cast<size_t>(r)];
  if (add.op != OpType::kAdd || add.inputs.size() != 2 || add.outputs.size() != 1) return -1;
  const ValueId other = add.inputs[add.inputs[0] == v ? 1 : 0];
  const Tensor* c = constant_of(g, other);
  if (c == nullptr || c->dtype() != DType::kF32 || c->num_elements() != n || c->rank() < 1 || c->shape().back() != n)
    return -1;
  *bias = other;
  return r;
}

bool lower_matmul(Graph& g, const Index& ix, size_t k, Edits& edits) {
  const Node& mm = g.nodes[k];
  const bool gemm = mm.op == OpType::kGemm;
  if (mm.inputs.size() < 2 || mm.outputs.size() != 1 || mm.attrs.has(kFusedActivation)) return false;
  if (gemm && (mm.attrs.get_int("transA", 0) != 0 || mm.attrs.get_float("alpha", 1.0f) != 1.0f ||
               mm.attrs.get_float("beta", 1.0f) != 1.0f))
    return false;
  const std::optional<Activation> a = dequantized_activation(g, ix, mm.inputs[0]);
  if (!a || (gemm && g.value(a->q).shape.size() != 2)) return false;
  Node n = internal_node(mm, OpType::kQMatMul, "QMatMul");
  n.attrs = Attributes();  // Gemm's trans* are resolved into the weight layout
  n.inputs.assign(qop::kMatInputs, kNoValue);
  n.inputs[qop::kMatA] = a->q;
  n.inputs[qop::kMatAScale] = a->scale;
  n.inputs[qop::kMatAZeroPoint] = zero_point_input(g, *a, mm.name + "_a");
  ValueId float_out = mm.outputs[0];
  int bias_add = -1;
  ValueId b = mm.inputs[1];
  bool transposed = gemm && mm.attrs.get_int("transB", 0) != 0;
  // PyTorch exports a quantized Linear's weight as DQ([out, in]) -> Transpose -> MatMul.
  if (const Node* t = ix.producer_node(g, b, OpType::kTranspose);
      t != nullptr && t->attrs.get_ints("perm", {1, 0}) == std::vector<int64_t>{1, 0} &&
      ix.producer_node(g, t->inputs[0], OpType::kDequantizeLinear) != nullptr) {
    b = t->inputs[0];
    transposed = !transposed;
  }
  const std::optional<DenseWeight> w = dense_weight(g, ix, b, transposed);
  if (w) {
    ValueId c = gemm && mm.inputs.size() > 2 ? mm.inputs[2] : kNoValue;
    if (c == kNoValue) {  // PyTorch's Linear on 3-D input: MatMul, then Add of the bias
      bias_add = bias_add_after(g, ix, float_out, w->n, &c);
      if (bias_add >= 0) float_out = g.nodes[static_cast<size_t>(bias_add)].outputs[0];
    }
    if (c != kNoValue && constant_of(g, c) != nullptr && constant_of(g, c)->num_elements() != w->n) return false;
    const std::optional<ValueId> bias = int32_bias(g, ix, c, a->scale_value, w->scales, w->n, mm.name);
    if (!bias) return false;
    n.inputs[qop::kMatB] = w->q;
    n.inputs[qop::kMatBScale] = w->scale;
    n.inputs[qop::kMatBias] = *bias;
  } else {
    if (gemm) return false;
    const std::optional<Activation> b = dequantized_activation(g, ix, mm.inputs[1]);
    if (!b) return false;
    n.inputs[qop::kMatB] = b->q;
    n.inputs[qop::kMatBScale] = b->scale;
    n.inputs[qop::kMatBZeroPoint] = zero_point_input(g, *b, mm.name + "_b");
  }
  const std::optional<OutputQuantize> oq = quantized_output(g, ix, float_out, true);
  if (!edits.free({bias_add, oq ? oq->activation : -1, oq ? oq->quantize : -1})) return false;
  edits.remove(bias_add);
  set_output(g, oq, float_out, qop::kMatYScale, n, edits);
  if (!oq) n.inputs.resize(qop::kMatYScale);
  edits.replace(k, std::move(n));
  return true;
}

bool same_static_shape(const Value& a, const Value& b) {
  if (!a.has_shape || !b.has_shape || a.shape.size() != b.shape.size()) return false;
  for (size_t i = 0; i < a.shape.size(); ++i) {
    if (!a.shape[i].known() || a.shape[i].size != b.shape[i].size) return false;
  }
  return true;
}

bool lower_add(Graph& g, const Index& ix, size_t k, Edits& edits) {
  const Node& add = g.nodes[k];
  if (add.inputs.size() != 2 || add.outputs.size() != 1) return false;
  const std::optional<Activation> a = dequantized_activation(g, ix, add.inputs[0]);
  const std::optional<Activation> b = dequantized_activation(g, ix, add.inputs[1]);
  if (!a || !b || !same_static_shape(g.value(a->q), g.value(b->q))) return false;
  const std::optional<OutputQuantize> oq = quantized_output(g, ix, add.outputs[0], true);
  if (!oq || !edits.free({oq->activation, oq->quantize})) return false;
  Node n = internal_node(add, OpType::kQLinearAdd, "QLinearAdd");
  n.inputs = {a->q, a->scale, zero_point_input(g, *a, add.name + "_a"),
              b->q, b->scale, zero_point_input(g, *b, add.name + "_b"),
              kNoValue, kNoValue};
  set_output(g, oq, add.outputs[0], 6, n, edits);
  edits.replace(k, std::move(n));
  return true;
}

bool lower_global_average_pool(Graph& g, const Index& ix, size_t k, Edits& edits) {
  const Node& pool = g.nodes[k];
  if (pool.inputs.size() != 1 || pool.outputs.size() != 1) return false;
  const std::optional<Activation> x = dequantized_activation(g, ix, pool.inputs[0]);
  if (!x || g.value(x->q).shape.size() != 4) return false;
  const std::optional<OutputQuantize> oq = quantized_output(g, ix, pool.outputs[0], false);
  if (!oq || !edits.free({oq->quantize})) return false;
  Node n = internal_node(pool, OpType::kQLinearGlobalAveragePool, "QLinearGlobalAveragePool");
  n.inputs = {x->q, x->scale, zero_point_input(g, *x, pool.name + "_x"), kNoValue, kNoValue};
  set_output(g, oq, pool.outputs[0], 3, n, edits);
  edits.replace(k, std::move(n));
  return true;
}

bool same_params(const Activation& a, const Activation& b) {
  return a.scale_value == b.scale_value && a.zero_point_value == b.zero_point_value;
}

// MaxPool, nearest Resize and Concat commute with an affine map that keeps its parameters: they run
// on the uint8 values directly when every input and the output share one scale and zero point.
bool lower_uint8_passthrough(Graph& g, const Index& ix, size_t k, Edits& edits) {
  const Node& node = g.nodes[k];
  if (node.outputs.size() != 1 || node.inputs.empty()) return false;
  if (node.op == OpType::kResize && node.attrs.get_string("mode", "nearest") != "nearest") return false;
  const size_t quantized_inputs = node.op == OpType::kConcat ? node.inputs.size() : 1;
  const std::optional<OutputQuantize> oq = quantized_output(g, ix, node.outputs[0], false);
  if (!oq || !edits.free({oq->quantize})) return false;
  Node n = node;
  for (size_t i = 0; i < quantized_inputs; ++i) {
    const std::optional<Activation> x = dequantized_activation(g, ix, node.inputs[i]);
    if (!x || !same_params(*x, oq->params)) return false;
    n.inputs[i] = x->q;
  }
  n.outputs = {oq->y};
  edits.remove(oq->quantize);
  edits.replace(k, std::move(n));
  return true;
}

bool moves_data_only(OpType op) {
  return op == OpType::kFlatten || op == OpType::kReshape || op == OpType::kSqueeze || op == OpType::kUnsqueeze ||
         op == OpType::kTranspose;
}

// Rewrites DQ(x_q) -> Move -> y into Move(x_q) -> DQ -> y, so the reader of y sees a DequantizeLinear.
int move_dequantize_down(Graph& g) {
  const Index ix(g);
  Edits edits(g.nodes.size());
  int moved = 0;
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& move = g.nodes[k];
    if (!moves_data_only(move.op) || move.inputs.empty() || move.outputs.size() != 1) continue;
    const std::optional<Activation> x = dequantized_activation(g, ix, move.inputs[0]);
    const Value& y = g.value(move.outputs[0]);
    if (!x || !y.has_shape) continue;
    const ValueId yq = g.value_id(g.unique_name(y.name + "_quantized"));
    Value& yqv = g.value(yq);
    yqv.dtype = DType::kU8;
    yqv.shape = g.value(move.outputs[0]).shape;
    yqv.has_shape = true;
    Node moved_op = move;
    moved_op.inputs[0] = x->q;
    moved_op.outputs = {yq};
    Node dq;
    dq.name = g.unique_name(move.name + "_dequantize");
    dq.op = OpType::kDequantizeLinear;
    dq.op_type = "DequantizeLinear";
    dq.opset = move.opset;
    dq.inputs = {yq, x->scale, zero_point_input(g, *x, move.name)};
    dq.outputs = {move.outputs[0]};
    edits.replace(k, std::move(moved_op));
    edits.replacement[k].push_back(std::move(dq));
    ++moved;
  }
  edits.apply(g);
  return moved;
}

// Exporters write one DequantizeLinear per reader; readers of one tensor should share one, or float
// patterns over it (GELU's x * erf(x)) no longer match. Merges DQs with identical inputs and axis.
int merge_duplicate_dequantize(Graph& g) {
  std::map<std::pair<std::vector<ValueId>, int64_t>, ValueId> first;
  std::map<ValueId, ValueId> replace;
  for (const Node& n : g.nodes) {
    if (n.op != OpType::kDequantizeLinear || n.outputs.size() != 1 || g.is_output(n.outputs[0])) continue;
    const auto key = std::make_pair(n.inputs, n.attrs.get_int("axis", 1));
    const auto [it, inserted] = first.emplace(key, n.outputs[0]);
    if (!inserted) replace[n.outputs[0]] = it->second;
  }
  for (Node& n : g.nodes) {
    for (ValueId& in : n.inputs) {
      if (const auto r = replace.find(in); r != replace.end()) in = r->second;
    }
  }
  return static_cast<int>(replace.size());
}

}  // namespace

bool is_weight_dequantize(const Graph& graph, const Node& node) { return weight_of(graph, node).has_value(); }

QdqLoweringStats lower_qdq(Graph& graph) {
  QdqLoweringStats stats;
  merge_duplicate_dequantize(graph);
  // Each sweep moves a DQ one op further down (Reshape -> Transpose chains need several).
  while (const int moved = move_dequantize_down(graph)) stats.moved_dequantize += moved;
  const Index ix(graph);
  Edits edits(graph.nodes.size());
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    if (edits.edited[k]) continue;
    switch (graph.nodes[k].op) {
      case OpType::kConv: stats.convs += lower_conv(graph, ix, k, edits); break;
      case OpType::kGemm:
      case OpType::kMatMul: stats.matmuls += lower_matmul(graph, ix, k, edits); break;
      case OpType::kAdd: stats.adds += lower_add(graph, ix, k, edits); break;
      case OpType::kGlobalAveragePool: stats.pools += lower_global_average_pool(graph, ix, k, edits); break;
      case OpType::kMaxPool:
      case OpType::kResize:
      case OpType::kConcat: stats.pools += lower_uint8_passthrough(graph, ix, k, edits); break;
      default: break;
    }
  }
  edits.apply(graph);
  return stats;
}

}  // namespace edgerun
